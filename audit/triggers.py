"""PostgreSQL triggers that make a table write-once: the database itself refuses UPDATE and
DELETE on it, whoever connects. Used by the migrations of the audit trail and of signatures."""


def write_once(table: str, message: str):
    """(create, drop) functions for migrations.RunPython; they do nothing on other databases."""
    function = f"{table}_is_write_once"
    create_sql = [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{message}: %% on {table} is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END;
        $$ LANGUAGE plpgsql;""",
        f"""CREATE TRIGGER {table}_write_once BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {function}();""",
    ]
    drop_sql = [f"DROP TRIGGER IF EXISTS {table}_write_once ON {table};", f"DROP FUNCTION IF EXISTS {function}();"]

    def run(statements):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for sql in statements:
                    schema_editor.execute(sql)

        return apply

    return run(create_sql), run(drop_sql)
