"""Background rendering of the whole-city report through django-tasks."""

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from core.models import Municipality
from core.pdf import font_family, pdf_from_html
from councils.models import Council

from .models import ReportJob


@task()
def render_city_report(job_id: int) -> None:
    """Render every council's public page into one A4 PDF, recording progress as it goes."""
    from .views import CouncilPage

    job = ReportJob.objects.get(pk=job_id)
    council_ids = list(Council.objects.order_by("kana", "name").values_list("pk", flat=True))
    job.status, job.progress_total, job.progress_done = (
        ReportJob.Status.RUNNING,
        len(council_ids),
        0,
    )
    job.save(update_fields=["status", "progress_total", "progress_done"])
    try:
        pages = []
        for pk in council_ids:
            page = CouncilPage().get_page(None, pk=pk)
            page.data_as_of = timezone.localdate()
            pages.append(page)
            job.progress_done += 1
            # Progress is saved every few councils: staff see it move without a write per row.
            if job.progress_done % 5 == 0:
                job.save(update_fields=["progress_done"])
        html = render_to_string(
            "reports/city_report_pdf.html",
            {
                "pages": pages,
                "title": job.title,
                "data_as_of": timezone.localdate(),
                "pdf_font_family": font_family(),
                "pdf": True,
                "municipality": Municipality.current(),
            },
        )
        pdf = pdf_from_html(html)
        job.file.save(f"city-report-{job.pk}.pdf", ContentFile(pdf), save=False)
        job.status = ReportJob.Status.DONE
    except Exception as error:  # noqa: BLE001 - any failure is shown to staff on the job
        job.status = ReportJob.Status.FAILED
        job.error = f"{type(error).__name__}: {error}"
    job.finished_at = timezone.now()
    job.save()


def request_city_report(*, actor) -> ReportJob:
    """Queue a whole-city report; runs inline with the default (immediate) backend."""
    job = ReportJob.objects.create(requested_by=actor)
    render_city_report.enqueue(job.pk)
    job.refresh_from_db()
    return job
