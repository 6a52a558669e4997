"""The revision ledger: two hash columns, then the chain computed for the revisions already written."""

from django.db import migrations, models


def hash_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Chain every existing revision in id order (read and written in batches)."""
    from veeduria.evidence import ledger

    revision = apps.get_model("evidence", "Revision")
    names = ledger.content_type_names(apps.get_model("contenttypes", "ContentType"))
    alias = schema_editor.connection.alias
    found = revision.objects.using(alias).order_by("id").values_list(*ledger.COLUMNS).iterator(chunk_size=ledger.BATCH)
    ledger.store(revision._meta.db_table, ledger.chain(found, ledger.GENESIS, names), using=alias)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("evidence", "0005_citation_document_page"),
    ]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="previous_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64, verbose_name="hash anterior"),
        ),
        migrations.AddField(
            model_name="revision",
            name="hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64, verbose_name="hash"),
        ),
        migrations.RunPython(hash_existing, migrations.RunPython.noop, elidable=False),
    ]
