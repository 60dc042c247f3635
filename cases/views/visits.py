from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.errors import DomainError
from accounts.permissions import role_required
from accounts.roles import Role
from cases.forms import FinancesForm, VisitForm
from cases.models import HardshipFile, VisitAttachment
from cases.services.visits import visit_record


@login_required
@role_required(Role.CASEWORKER)
def visit_create(request, pk):
    file = get_object_or_404(HardshipFile.objects.visible_to(request.user).select_related("household"), pk=pk)
    form = VisitForm(request.POST or None, request.FILES or None, file=file)
    finances = FinancesForm(request.POST or None)
    wants_finances = request.method == "POST" and request.POST.get("update_finances")
    if request.method == "POST" and form.is_valid() and (not wants_finances or finances.is_valid()):
        data = form.cleaned_data
        try:
            visit_record(
                file=file, by=request.user, visited_on=data["visited_on"], kind=data["kind"],
                visitors=data["visitors"], findings=data["findings"], measures_checked=list(data["measures_checked"]),
                next_due=data["next_due"], attachments=data["attachments"],
                finances=finances.finances() if wants_finances else None,
            )  # fmt: skip
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect(file.household)
    context = {"file": file, "household": file.household, "form": form, "finances": finances}
    return render(request, "cases/visit_form.html", context)


def private_file_response(attachment) -> FileResponse:
    """An uploaded photo or PDF, served to a user the caller has already checked; shown inline, never cached."""
    inline = attachment.content_type.startswith("image/") or attachment.content_type == "application/pdf"
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not inline,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def attachment_download(request, pk):
    """Attachments are never on a public URL: each download is checked against the user's scope."""
    return private_file_response(get_object_or_404(VisitAttachment.objects.visible_to(request.user), pk=pk))
