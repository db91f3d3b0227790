"""The web workspace: users and sessions, and the search index kept by triggers on `records`.

The index holds two things derived from each record's JSON: its full text (every page's text and
the English translation, page by page when the translation has pages) and its facts as facets
(offences, measures, legal basis, requesting state, person names, identifiers, references).
Database triggers write both whenever a `records` row is inserted, changed or deleted — by the
store, by a purge or by hand — so the index can never describe a record that is gone.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Identifier kinds that tie requests together; a case reference counts as a reference.
LINKING_KINDS = "('iban', 'phone', 'email', 'crypto_wallet', 'case_reference')"
# Facts that are also written into the full-text index as tokens ("offence_fraud"), with the
# record's language and document type ("none" when unknown). The text parsers split words at
# "_" (PostgreSQL) or the tokens sit in a column of their own (SQLite): no word of a document can
# pass for one of these tokens.
INDEXED_FACETS = "('state', 'offence', 'measure', 'legal_basis')"
NONE = "none"
# Accents folded on PostgreSQL with a built-in function: the unaccent extension is contrib and
# needs a superuser to install, which a team's database may not grant.
# Each letter with the base letter it folds to, in pairs.
FOLDS = (
    "áaàaâaäaãaåaāaăaąaçcćcčcďdéeèeêeëeēeėeęeěeíiìiîiïiīiįiłlñnńnňnóoòoôoöoõoøoōoőo"
    "ŕrřrśsšsşsťtúuùuûuüuūuůuűuųuýyÿyžzźzżzßs"
)
ACCENTED, FOLDED = FOLDS[0::2], FOLDS[1::2]


def _sqlite_field(name: str, record_id: str, record: str) -> str:
    """The field's value as JSON text: the correction if there is one, else the machine's."""
    return (
        f"coalesce((SELECT corrected_value FROM corrections WHERE record_id = {record_id} "
        f"AND field = '{name}'), {record} -> '$.extraction.{name}')"
    )


def _sqlite_index(record_id: str, record: str) -> str:
    """Statements that write the facts and the full text of one record (`record` is its JSON);
    the text only while the records row exists."""

    def field(name: str) -> str:
        return _sqlite_field(name, record_id, record)

    return f"""
    INSERT INTO record_facets (record_id, facet, value)
    SELECT {record_id}, 'offence', value ->> '$.category' FROM json_each({field("offences")})
    UNION SELECT {record_id}, 'measure', value ->> '$.type' FROM json_each({field("measures")})
    UNION SELECT {record_id}, 'legal_basis', value ->> '$.instrument'
        FROM json_each({field("legal_basis")})
    UNION SELECT {record_id}, 'person', value ->> '$.name' FROM json_each({field("parties")})
        WHERE value ->> '$.kind' = 'person'
    UNION SELECT {record_id},
        CASE value ->> '$.kind' WHEN 'case_reference' THEN 'reference'
        ELSE value ->> '$.kind' END,
        value ->> '$.value'
        FROM json_each({field("identifiers")})
        WHERE value ->> '$.kind' IN {LINKING_KINDS}
    UNION SELECT {record_id}, 'reference', value FROM json_each({field("references")})
    UNION SELECT {record_id}, 'state', {field("requesting_state")} ->> '$'
        WHERE {field("requesting_state")} ->> '$' IS NOT NULL;
    INSERT INTO search_keys (record_id) SELECT id FROM records WHERE id = {record_id};
    INSERT INTO record_search (rowid, original, translation, facets) SELECT
        key,
        (SELECT group_concat(value ->> '$.text', char(10)) FROM json_each({record}, '$.pages')),
        coalesce(
            (SELECT group_concat(value, char(10))
                FROM json_each({record}, '$.translation.pages')),
            {record} ->> '$.translation.text'),
        coalesce((SELECT group_concat(facet || '_' || value, ' ') FROM record_facets
            WHERE record_id = {record_id} AND facet IN {INDEXED_FACETS}), '')
        || ' language_' || coalesce({record} ->> '$.language.code', '{NONE}')
        || ' doc_type_' || coalesce({field("doc_type")} ->> '$', '{NONE}')
        FROM search_keys WHERE record_id = {record_id};
"""


def _sqlite_forget(record_id: str) -> str:
    return f"""
    DELETE FROM record_search
        WHERE rowid = (SELECT key FROM search_keys WHERE record_id = {record_id});
    DELETE FROM search_keys WHERE record_id = {record_id};
    DELETE FROM record_facets WHERE record_id = {record_id};
"""


def _sqlite_reindex(record_id: str) -> str:
    """Forget and index again the record with this id; nothing is written if it is gone."""
    record = f"(SELECT record FROM records WHERE id = {record_id})"
    return _sqlite_forget(record_id) + _sqlite_index(record_id, record)


SQLITE = [
    # FTS5 rows are keyed by an integer; search_keys gives each record one that never changes
    # (a plain table's implicit rowid may be renumbered by VACUUM).
    """CREATE TABLE search_keys (
        key INTEGER PRIMARY KEY AUTOINCREMENT, record_id VARCHAR(64) NOT NULL UNIQUE)""",
    # `facets` holds one token per fact (offence_fraud, language_es ...): a search with filters
    # is then one intersection inside the index instead of a lookup per matching record. "_"
    # is a token character so that such a token stays whole.
    """CREATE VIRTUAL TABLE record_search USING fts5(
        original, translation, facets,
        tokenize = "unicode61 remove_diacritics 2 tokenchars '_'")""",
    "CREATE TRIGGER records_index_insert AFTER INSERT ON records BEGIN "
    f"{_sqlite_index('NEW.id', 'NEW.record')} END",
    "CREATE TRIGGER records_index_update AFTER UPDATE OF id, record ON records BEGIN "
    f"{_sqlite_forget('OLD.id')} {_sqlite_index('NEW.id', 'NEW.record')} END",
    f"CREATE TRIGGER records_index_delete AFTER DELETE ON records BEGIN "
    f"{_sqlite_forget('OLD.id')} END",
    *(
        f"CREATE TRIGGER corrections_index_{event.lower()} AFTER {event} ON corrections BEGIN "
        f"{_sqlite_reindex(row + '.record_id')} END"
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
    ),
]


def _array(expression: str) -> str:
    """A JSON array, or an empty one where the record holds null or nothing."""
    return f"CASE WHEN jsonb_typeof({expression}) = 'array' THEN {expression} ELSE '[]' END"


def _postgresql_field(name: str) -> str:
    """The field's value as jsonb: the correction if there is one, else the machine's."""
    return (
        f"coalesce((SELECT corrected_value FROM corrections WHERE record_id = rid "
        f"AND field = '{name}'), doc->'extraction'->'{name}')"
    )


def _list(name: str) -> str:
    return _array(_postgresql_field(name))


POSTGRESQL_INDEX = f"""
    DELETE FROM record_search WHERE record_id = rid;
    DELETE FROM record_facets WHERE record_id = rid;
    SELECT record INTO doc FROM records WHERE id = rid;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    INSERT INTO record_facets (record_id, facet, value)
    SELECT rid, 'offence', o->>'category' FROM jsonb_array_elements({_list("offences")}) o
    UNION SELECT rid, 'measure', m->>'type' FROM jsonb_array_elements({_list("measures")}) m
    UNION SELECT rid, 'legal_basis', b->>'instrument'
        FROM jsonb_array_elements({_list("legal_basis")}) b
    UNION SELECT rid, 'person', p->>'name' FROM jsonb_array_elements({_list("parties")}) p
        WHERE p->>'kind' = 'person'
    UNION SELECT rid,
        CASE i->>'kind' WHEN 'case_reference' THEN 'reference' ELSE i->>'kind' END, i->>'value'
        FROM jsonb_array_elements({_list("identifiers")}) i
        WHERE i->>'kind' IN {LINKING_KINDS}
    UNION SELECT rid, 'reference', r FROM jsonb_array_elements_text({_list("references")}) r
    UNION SELECT rid, 'state', {_postgresql_field("requesting_state")} #>> '{{}}'
        WHERE {_postgresql_field("requesting_state")} #>> '{{}}' IS NOT NULL;
    INSERT INTO record_search (record_id, document) VALUES (rid,
        setweight(to_tsvector('simple', search_fold(coalesce(
            (SELECT string_agg(p->>'text', E'\\n')
                FROM jsonb_array_elements({_array("doc->'pages'")}) p), ''))), 'A')
        || setweight(to_tsvector('simple', search_fold(coalesce(
            (SELECT string_agg(t, E'\\n') FROM jsonb_array_elements_text(
                {_array("doc->'translation'->'pages'")}) t),
            doc->'translation'->>'text', ''))), 'B')
        || (SELECT array_to_tsvector(array_agg(token)) FROM (
            SELECT lower(facet || '_' || value) AS token FROM record_facets
                WHERE record_id = rid AND facet IN {INDEXED_FACETS}
            UNION SELECT 'language_' || lower(coalesce(doc->'language'->>'code', '{NONE}'))
            UNION SELECT 'doc_type_'
                || coalesce({_postgresql_field("doc_type")} #>> '{{}}', '{NONE}')
        ) AS tokens));
"""
POSTGRESQL = [
    f"""CREATE FUNCTION search_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT
    PARALLEL SAFE AS $$ SELECT translate(lower(value), '{ACCENTED}', '{FOLDED}') $$""",
    """CREATE TABLE record_search (
        record_id VARCHAR(64) PRIMARY KEY, document tsvector NOT NULL)""",
    "CREATE INDEX ix_record_search_document ON record_search USING gin (document)",
    # One function writes a record's index from the table as it stands (nothing when the record
    # is gone); the triggers of both tables call it.
    f"""CREATE FUNCTION index_record(rid varchar) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
        doc jsonb;
    BEGIN
        {POSTGRESQL_INDEX}
    END $$""",
    """CREATE FUNCTION records_index() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            PERFORM index_record(OLD.id);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            PERFORM index_record(NEW.id);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER records_index AFTER INSERT OR UPDATE OF id, record OR DELETE ON records
    FOR EACH ROW EXECUTE FUNCTION records_index()""",
    """CREATE FUNCTION corrections_index() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM index_record(CASE TG_OP WHEN 'DELETE' THEN OLD.record_id ELSE NEW.record_id END);
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER corrections_index AFTER INSERT OR UPDATE OR DELETE ON corrections
    FOR EACH ROW EXECUTE FUNCTION corrections_index()""",
]


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "role IN ('reviewer', 'analyst', 'administrator')", name="ck_users_role"
        ),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "username",
            sa.String(64),
            sa.ForeignKey("users.username", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_web_sessions_username", "web_sessions", ["username"])
    op.create_table(
        "record_facets",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("facet", sa.String(32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_index("ix_record_facets_value", "record_facets", ["facet", "value", "record_id"])
    op.create_index("ix_record_facets_record", "record_facets", ["record_id", "facet", "value"])
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)
    # Records stored before this revision: rewriting each row fires the update trigger.
    op.execute("UPDATE records SET record = record")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER records_index ON records")
        op.execute("DROP TRIGGER corrections_index ON corrections")
        op.execute("DROP FUNCTION records_index()")
        op.execute("DROP FUNCTION corrections_index()")
        op.execute("DROP FUNCTION index_record(varchar)")
        op.execute("DROP TABLE record_search")
        op.execute("DROP FUNCTION search_fold(text)")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER records_index_{event}")
            op.execute(f"DROP TRIGGER corrections_index_{event}")
        op.execute("DROP TABLE record_search")
        op.execute("DROP TABLE search_keys")
    op.drop_table("record_facets")
    op.drop_table("web_sessions")
    op.drop_table("users")
