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

SQLITE_FACTS = f"""
    INSERT INTO record_facets (record_id, facet, value)
    SELECT NEW.id, 'offence', json_extract(value, '$.category')
        FROM json_each(NEW.record, '$.extraction.offences')
    UNION SELECT NEW.id, 'measure', json_extract(value, '$.type')
        FROM json_each(NEW.record, '$.extraction.measures')
    UNION SELECT NEW.id, 'legal_basis', json_extract(value, '$.instrument')
        FROM json_each(NEW.record, '$.extraction.legal_basis')
    UNION SELECT NEW.id, 'person', json_extract(value, '$.name')
        FROM json_each(NEW.record, '$.extraction.parties')
        WHERE json_extract(value, '$.kind') = 'person'
    UNION SELECT NEW.id,
        CASE json_extract(value, '$.kind') WHEN 'case_reference' THEN 'reference'
        ELSE json_extract(value, '$.kind') END,
        json_extract(value, '$.value')
        FROM json_each(NEW.record, '$.extraction.identifiers')
        WHERE json_extract(value, '$.kind') IN {LINKING_KINDS}
    UNION SELECT NEW.id, 'reference', value FROM json_each(NEW.record, '$.extraction.references')
    UNION SELECT NEW.id, 'state', json_extract(NEW.record, '$.extraction.requesting_state')
        WHERE json_extract(NEW.record, '$.extraction.requesting_state') IS NOT NULL;
"""
SQLITE_TEXT = f"""
    INSERT INTO search_keys (record_id) VALUES (NEW.id);
    INSERT INTO record_search (rowid, original, translation, facets) VALUES (
        (SELECT key FROM search_keys WHERE record_id = NEW.id),
        (SELECT group_concat(json_extract(value, '$.text'), char(10))
            FROM json_each(NEW.record, '$.pages')),
        coalesce(
            (SELECT group_concat(value, char(10))
                FROM json_each(NEW.record, '$.translation.pages')),
            json_extract(NEW.record, '$.translation.text')),
        coalesce((SELECT group_concat(facet || '_' || value, ' ') FROM record_facets
            WHERE record_id = NEW.id AND facet IN {INDEXED_FACETS}), '')
        || ' language_' || coalesce(json_extract(NEW.record, '$.language.code'), '{NONE}')
        || ' doc_type_' || coalesce(json_extract(NEW.record, '$.extraction.doc_type'), '{NONE}'));
"""
SQLITE_FORGET = """
    DELETE FROM record_search WHERE rowid = (SELECT key FROM search_keys WHERE record_id = OLD.id);
    DELETE FROM search_keys WHERE record_id = OLD.id;
    DELETE FROM record_facets WHERE record_id = OLD.id;
"""
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
    f"CREATE TRIGGER records_index_insert AFTER INSERT ON records BEGIN {SQLITE_FACTS}"
    f"{SQLITE_TEXT} END",
    f"CREATE TRIGGER records_index_update AFTER UPDATE OF id, record ON records BEGIN "
    f"{SQLITE_FORGET} {SQLITE_FACTS} {SQLITE_TEXT} END",
    f"CREATE TRIGGER records_index_delete AFTER DELETE ON records BEGIN {SQLITE_FORGET} END",
]


def _array(expression: str) -> str:
    """A JSON array, or an empty one where the record holds null or nothing."""
    return f"CASE WHEN jsonb_typeof({expression}) = 'array' THEN {expression} ELSE '[]' END"


POSTGRESQL_FACTS = f"""
    INSERT INTO record_facets (record_id, facet, value)
    SELECT NEW.id, 'offence', o->>'category'
        FROM jsonb_array_elements({_array("NEW.record->'extraction'->'offences'")}) o
    UNION SELECT NEW.id, 'measure', m->>'type'
        FROM jsonb_array_elements({_array("NEW.record->'extraction'->'measures'")}) m
    UNION SELECT NEW.id, 'legal_basis', b->>'instrument'
        FROM jsonb_array_elements({_array("NEW.record->'extraction'->'legal_basis'")}) b
    UNION SELECT NEW.id, 'person', p->>'name'
        FROM jsonb_array_elements({_array("NEW.record->'extraction'->'parties'")}) p
        WHERE p->>'kind' = 'person'
    UNION SELECT NEW.id,
        CASE i->>'kind' WHEN 'case_reference' THEN 'reference' ELSE i->>'kind' END, i->>'value'
        FROM jsonb_array_elements({_array("NEW.record->'extraction'->'identifiers'")}) i
        WHERE i->>'kind' IN {LINKING_KINDS}
    UNION SELECT NEW.id, 'reference', r
        FROM jsonb_array_elements_text({_array("NEW.record->'extraction'->'references'")}) r
    UNION SELECT NEW.id, 'state', NEW.record->'extraction'->>'requesting_state'
        WHERE NEW.record->'extraction'->>'requesting_state' IS NOT NULL;
"""
POSTGRESQL_TEXT = f"""
    INSERT INTO record_search (record_id, document) VALUES (NEW.id,
        setweight(to_tsvector('simple', search_fold(coalesce(
            (SELECT string_agg(p->>'text', E'\\n')
                FROM jsonb_array_elements({_array("NEW.record->'pages'")}) p), ''))), 'A')
        || setweight(to_tsvector('simple', search_fold(coalesce(
            (SELECT string_agg(t, E'\\n') FROM jsonb_array_elements_text(
                {_array("NEW.record->'translation'->'pages'")}) t),
            NEW.record->'translation'->>'text', ''))), 'B')
        || (SELECT array_to_tsvector(array_agg(token)) FROM (
            SELECT lower(facet || '_' || value) AS token FROM record_facets
                WHERE record_id = NEW.id AND facet IN {INDEXED_FACETS}
            UNION SELECT 'language_' || lower(coalesce(NEW.record->'language'->>'code', '{NONE}'))
            UNION SELECT 'doc_type_' || coalesce(NEW.record->'extraction'->>'doc_type', '{NONE}')
        ) AS tokens));
"""
POSTGRESQL = [
    f"""CREATE FUNCTION search_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT
    PARALLEL SAFE AS $$ SELECT translate(lower(value), '{ACCENTED}', '{FOLDED}') $$""",
    """CREATE TABLE record_search (
        record_id VARCHAR(64) PRIMARY KEY, document tsvector NOT NULL)""",
    "CREATE INDEX ix_record_search_document ON record_search USING gin (document)",
    f"""CREATE FUNCTION records_index() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM record_search WHERE record_id = OLD.id;
            DELETE FROM record_facets WHERE record_id = OLD.id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            {POSTGRESQL_FACTS}
            {POSTGRESQL_TEXT}
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER records_index AFTER INSERT OR UPDATE OF id, record OR DELETE ON records
    FOR EACH ROW EXECUTE FUNCTION records_index()""",
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
        op.execute("DROP FUNCTION records_index()")
        op.execute("DROP TABLE record_search")
        op.execute("DROP FUNCTION search_fold(text)")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER records_index_{event}")
        op.execute("DROP TABLE record_search")
        op.execute("DROP TABLE search_keys")
    op.drop_table("record_facets")
    op.drop_table("web_sessions")
    op.drop_table("users")
