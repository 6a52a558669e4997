from django.db import migrations, models

#: PostgreSQL only: accents folded by ``unaccent``, a tsvector of the three configurations, a GIN index
POSTGRES_SQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "ALTER TABLE search_indexedpassage ADD COLUMN document tsvector",
    "CREATE INDEX search_indexedpassage_document ON search_indexedpassage USING GIN (document)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_indexedpassage_document",
    "ALTER TABLE search_indexedpassage DROP COLUMN IF EXISTS document",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_SQL:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_REVERSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="IndexedPassage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=300, unique=True)),
                ("ref", models.CharField(db_index=True, max_length=200)),
                ("type", models.CharField(max_length=40)),
                ("record_id", models.CharField(max_length=120)),
                ("page", models.PositiveIntegerField(default=0)),
                ("title_es", models.TextField(blank=True)),
                ("title_en", models.TextField(blank=True)),
                ("text", models.TextField(blank=True)),
                ("year", models.IntegerField(blank=True, null=True)),
                ("countries", models.TextField(blank=True)),
                ("source_kinds", models.TextField(blank=True)),
            ],
            options={"ordering": ["type", "record_id", "page"]},
        ),
        migrations.RunPython(forwards, backwards),
    ]
