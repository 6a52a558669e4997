"""Admin: editors upload documents (stored once by SHA-256, text extracted at once) and extract them again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from veeduria.documents import adding, extraction
from veeduria.documents.models import Document
from veeduria.documents.status import status_text


class DocumentAddForm(forms.ModelForm):
    """The file (PDF, HTML or plain text, recognised by its content), an optional title and source."""

    upload = forms.FileField(label=_("archivo"), help_text=_("PDF, HTML o texto plano"))

    class Meta:
        model = Document
        fields = ["upload", "title", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("vacío = el nombre del archivo")
        self.data_bytes = b""

    def clean_upload(self) -> Any:
        upload = self.cleaned_data["upload"]
        if upload.size > settings.DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(adding.too_large(upload.name, upload.size), code="too_large")
        data = upload.read()
        try:
            adding.check_file(data, upload.name)
        except adding.DocumentRefused as exc:
            raise forms.ValidationError(str(exc), code="refused") from None
        existing = adding.duplicate_of(data)
        if existing is not None:
            raise forms.ValidationError(
                adding.describe_added(adding.Added(existing, duplicate=True, name=upload.name)), code="duplicate"
            )
        self.data_bytes = data
        return upload


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "page_count", "size", "source", "added_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "file_name", "sha256"]
    autocomplete_fields = ["source"]
    readonly_fields = [
        "file_name", "kind", "size", "sha256", "extraction", "page_count", "added_at", "extracted_at", "public_page",
    ]  # fmt: skip
    fields = ["title", "source", *readonly_fields]
    actions = ["extract_again"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = DocumentAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["upload", "title", "source"] if obj is None else self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        if change:
            return super().save_form(request, form, change)
        added = adding.add_bytes(
            form.data_bytes,
            form.cleaned_data["upload"].name,
            title=form.cleaned_data.get("title") or "",
            source=form.cleaned_data.get("source"),
        )
        return added.document

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        extraction.extract(obj)
        messages.info(request, extraction.describe(obj))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if change:
            super().save_related(request, form, formsets, change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # citations point to documents; their files are kept

    @admin.display(description=_("extracción"))
    def extraction(self, obj: Document) -> str:
        return status_text(obj)

    @admin.display(description=_("en el portal"))
    def public_page(self, obj: Document) -> str:
        try:
            url = reverse("portal:document", args=[obj.pk])
        except NoReverseMatch:
            return ""
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.action(description=_("Extraer de nuevo el texto de los documentos seleccionados"))
    def extract_again(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        documents = extraction.extract_all(list(queryset.order_by("pk")))
        for document in documents:
            messages.info(request, extraction.describe(document))
        messages.success(
            request,
            ngettext("%(n)d documento procesado", "%(n)d documentos procesados", len(documents))
            % {"n": len(documents)},
        )
