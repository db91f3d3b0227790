"""The audit trail as evidence: its CSV export is safe to open in a spreadsheet."""

import csv
import io
from datetime import timedelta

from rogatory.review.audit import write_csv
from rogatory.review.store import Store

from conftest import MakeRecord

LEASE = timedelta(minutes=30)


def test_the_audit_csv_defuses_spreadsheet_formulas(store: Store, make_record: MakeRecord) -> None:
    record = make_record("a")
    store.save(record, "a.pdf", "/originals/a")
    formulas = ['=HYPERLINK("http://x.example","open")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
    for reason in formulas:
        store.claim(record.id, "=cmd|' /C calc'!A0", LEASE)
        store.return_(record.id, "=cmd|' /C calc'!A0", reason)
    table = io.StringIO()
    write_csv(store.audit(record.id), table)
    rows = list(csv.DictReader(io.StringIO(table.getvalue())))
    returned = [row for row in rows if row["action"] == "return"]
    assert [row["reason"] for row in returned] == ["'" + reason for reason in formulas]
    assert {row["actor"] for row in rows} == {"pipeline", "'=cmd|' /C calc'!A0"}
    # Plain text is left as it was.
    assert rows[0]["record_id"] == record.id and rows[0]["action"] == "process"
