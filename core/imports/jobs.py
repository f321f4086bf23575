"""Imports as background jobs: the check (dry run) of a large file and every confirmed import.

The upload is kept on the default storage (``ImportJob.upload``, so it works on S3 too) and
named by the job's random key. A job carries its city: the task gets the city's id and runs
inside it. The import itself runs in ONE transaction together with marking the job 完了, so a
file is imported completely or not at all: an error, or the worker dying half-way, leaves
none of its rows; a job delivered twice (RQ retries a job whose worker died) imports once.
Progress (rows done) is kept in the cache, outside the import's transaction, for staff to see.
"""

import secrets
import time

from django.apps import apps
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task
from import_export.resources import Resource
from import_export.signals import post_import

from core import tenancy
from core.models import ImportJob, Municipality

from .reading import ImportFileError
from .resources import JapaneseModelResource

MAX_PROBLEMS_KEPT = 500
PROGRESS_EVERY_SECONDS = 1.0
Status = ImportJob.Status


def class_path(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def progress_key(job_id: int) -> str:
    return f"import-job-progress:{job_id}"


def rows_done(job: ImportJob) -> int:
    """Rows done so far: the row's own count, or the running import's, kept in the cache."""
    if job.is_finished:
        return job.rows_done
    return max(job.rows_done, cache.get(progress_key(job.pk)) or 0)


def count_rows(data: bytes, format_class) -> int | None:
    """About how many data rows a file has, without reading it as a table (None: unknown)."""
    if getattr(format_class, "get_title", None) and format_class().get_title() == "xlsx":
        try:
            import io

            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            rows = book.worksheets[0].max_row
            book.close()
            return None if rows is None else max(rows - 1, 0)
        except Exception:  # noqa: BLE001 - an unreadable file is reported when it is read
            return None
    return max(data.count(b"\n") - 1, 0)


def store_upload(*, user, model, resource_class, format_class, file_name, data) -> ImportJob:
    """Keep an upload for its check and confirm step, under a new random key."""
    job = ImportJob(
        user=user,
        model_label=model._meta.label_lower,
        resource_path=class_path(resource_class),
        format_path=class_path(format_class),
        file_name=file_name[:255],
        key=secrets.token_urlsafe(32),
    )
    job.upload.save("upload", ContentFile(data), save=False)
    job.save()
    return job


def confirmable(*, key: str, user, model) -> ImportJob | None:
    """The checked upload of ``key`` if it is ``user``'s own and for ``model``; else None."""
    if not key or len(key) > 64:
        return None
    job = ImportJob.objects.filter(key=key, model_label=model._meta.label_lower).first()
    if job is None or job.user_id != user.pk or job.status != Status.CHECKED:
        return None
    return job


def record_check(job: ImportJob, result) -> None:
    """Keep the outcome of a dry run on the job: 確定待ち, or 誤りあり with every problem."""
    refused = result.has_errors() or result.has_validation_errors()
    job.status = Status.REFUSED if refused else Status.CHECKED
    job.rows_done = job.rows_total = result.total_rows
    job.summary = dict(summary_of(result))
    _keep_problems(job, result)
    job.finished_at = timezone.now()
    job.save()
    if refused:
        _remove_upload(job)


def start_check(job: ImportJob) -> None:
    job.status = Status.CHECKING
    job.save(update_fields=["status"])
    check_import.enqueue(job.pk, job.municipality_id)


def start_import(job: ImportJob) -> None:
    # started_at: when it was confirmed, then when a worker took it up (core.periodic's
    # fail_stalled_imports looks at it).
    job.status, job.rows_done, job.finished_at = Status.QUEUED, 0, None
    job.started_at = timezone.now()
    job.save(update_fields=["status", "rows_done", "finished_at", "started_at"])
    run_import.enqueue(job.pk, job.municipality_id)


# --------------------------------------------------------------------------- the jobs


@task()
def check_import(job_id: int, municipality_id: int) -> None:
    """The dry run of a large upload: every change counted, every error by row and column."""
    city = Municipality.objects.get(pk=municipality_id)
    with tenancy.city_scope(city):
        job = ImportJob.objects.filter(pk=job_id, status=Status.CHECKING).first()
        if job is None:
            return
        try:
            resource, dataset = _prepare(job)
            result = resource.import_data(
                dataset, dry_run=True, raise_errors=False, file_name=job.file_name, user=job.user
            )
        except Exception as error:  # noqa: BLE001 - shown to staff on the job
            _fail(job, error, status=Status.REFUSED)
            return
        record_check(job, result)


@task()
def run_import(job_id: int, municipality_id: int) -> None:
    """Import a checked upload: all its rows in one transaction, or none."""
    city = Municipality.objects.get(pk=municipality_id)
    with tenancy.city_scope(city):
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
            if job is None or job.status not in (Status.QUEUED, Status.RUNNING):
                return  # finished by an earlier delivery of the same job
            job.status, job.started_at = Status.RUNNING, timezone.now()
            job.attempts += 1
            job.save(update_fields=["status", "started_at", "attempts"])
        try:
            resource, dataset = _prepare(job)
            with transaction.atomic():
                result = resource.import_data(
                    dataset,
                    dry_run=False,
                    raise_errors=False,
                    file_name=job.file_name,
                    user=job.user,
                )
                if result.has_errors() or result.has_validation_errors():
                    raise _Refused(result)
                current = ImportJob.objects.select_for_update().get(pk=job.pk)
                if current.status != Status.RUNNING:
                    raise _AlreadyDone
                job.status, job.rows_done = Status.DONE, result.total_rows
                job.summary = dict(summary_of(result))
                job.finished_at = timezone.now()
                job.save()
        except _AlreadyDone:
            return
        except _Refused as refused:
            job.refresh_from_db()
            if job.status == Status.DONE:
                return  # another delivery of the job imported it (its rows clashed with ours)
            job.status = Status.FAILED
            job.summary = dict(summary_of(refused.result))
            _keep_problems(job, refused.result)
            job.error = (
                f"ファイルに誤りがあるため、1件も取り込みませんでした（{job.problem_count}か所）。"
                "直してから、もう一度ファイルを選んでください。"
            )
            job.finished_at = timezone.now()
            job.save()
        except Exception as error:  # noqa: BLE001 - shown to staff on the job
            _fail(job, error)
        else:
            post_import.send(sender=None, model=apps.get_model(job.model_label))
        finally:
            cache.delete(progress_key(job.pk))
        _remove_upload(job)


# --------------------------------------------------------------------------- helpers


class _Refused(Exception):
    def __init__(self, result):
        self.result = result
        super().__init__("refused")


class _AlreadyDone(Exception):
    pass


def _prepare(job: ImportJob):
    """The job's resource (reporting progress) and the upload read as a table."""
    resource_class = import_string(job.resource_path)
    format_class = import_string(job.format_path)
    if not (isinstance(resource_class, type) and issubclass(resource_class, Resource)):
        raise ImportFileError("取り込みの定義が正しくありません。")
    with job.upload.open("rb") as file:
        data = file.read()
    dataset = format_class().create_dataset(data)
    if job.rows_total != len(dataset):
        job.rows_total = len(dataset)
        job.save(update_fields=["rows_total"])
    resource = resource_class()
    _report_progress(resource, job)
    return resource, dataset


def _report_progress(resource, job: ImportJob) -> None:
    """After each row, now and then, write the rows done to the cache for the job page."""
    after_import_row = resource.after_import_row
    last = [0.0]

    def tracked(row, row_result, **kwargs):
        after_import_row(row, row_result, **kwargs)
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_SECONDS:
            last[0] = now
            cache.set(progress_key(job.pk), kwargs.get("row_number") or 0, 3600)

    resource.after_import_row = tracked


def summary_of(result) -> dict:
    return getattr(result, "summary", None) or JapaneseModelResource.summarise(result)


def _keep_problems(job: ImportJob, result) -> None:
    problems = getattr(result, "problems", [])  # JapaneseModelResource's, by row and column
    job.problem_count = len(problems)
    job.problems = [
        {
            "row_label": p.row_label or (f"{p.row}行目" if p.row else ""),
            "column": p.column,
            "value": p.value,
            "message": p.message,
        }
        for p in problems[:MAX_PROBLEMS_KEPT]
    ]


def _fail(job: ImportJob, error: Exception, status=Status.FAILED) -> None:
    job.refresh_from_db()
    if job.status == Status.DONE:
        return  # another delivery of the job imported it
    job.status = status
    if isinstance(error, ImportFileError):
        job.error = f"ファイルを読み取れませんでした: {error}"
    else:
        job.error = (
            "取り込みの途中でエラーが起きたため、1件も取り込みませんでした"
            f"（{type(error).__name__}: {error}）。もう一度ファイルを選んで取り込んでください。"
        )
    job.finished_at = timezone.now()
    job.save()


def _remove_upload(job: ImportJob) -> None:
    if job.upload:
        name = job.upload.name
        storage = job.upload.storage
        transaction.on_commit(lambda: storage.delete(name))
        job.upload = ""
        job.save(update_fields=["upload"])
