from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [
        migrations.RenameField("funding", "donor", "payer"),
        migrations.RenameField("funding", "recipient", "payee"),
    ]
