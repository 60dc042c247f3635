from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.errors import DomainError
from accounts.forms import show_domain_error
from accounts.permissions import role_required
from accounts.roles import Role
from cases.forms import FinancesForm, VisitForm
from cases.models import HardshipFile, VisitAttachment
from cases.models.visits import attachment_suffix
from cases.sensitive import may_see_sensitive
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
            show_domain_error(request, error, form)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect(file.household)
    context = {"file": file, "household": file.household, "form": form, "finances": finances}
    return render(request, "cases/visit_form.html", context)


def private_file_response(attachment, *, user) -> FileResponse:
    """An uploaded photo or PDF: for the roles that see health data, in the scope the caller has already checked.

    A PDF can carry scripts (/OpenAction): it is always downloaded, never opened in the site's origin. Photos are
    shown inline in a sandbox. The download's name ends in the type that was sniffed, whatever the uploaded name.
    """
    if not may_see_sensitive(user):
        raise Http404
    inline = attachment.content_type.startswith("image/")
    filename = Path(attachment.original_name).stem + attachment_suffix(attachment.content_type)
    response = FileResponse(
        attachment.file.open("rb"), content_type=attachment.content_type, as_attachment=not inline, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def attachment_download(request, pk):
    """Attachments are never on a public URL: each download is checked against the user's scope and role."""
    attachment = get_object_or_404(VisitAttachment.objects.visible_to(request.user), pk=pk)
    return private_file_response(attachment, user=request.user)
