"""The one-page application form over HTTP: reached from the top of the dashboard and from
a 申請する button per open programme, the programme and year preselected, the project
period and a blank 申請額 filled from the rule and the engine, a rejected form keeping
every chosen file, a double post saving once, and the 交付可能額 endpoint for the
secretary's own council only."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from councils.models import Stage
from subsidies.models import Application, Attachment
from tests.factories import UserFactory
from tests.security.files import pdf_bytes
from tests.subsidies.factories import RuleFactory
from tests.subsidies.http import application_data, lines_data, portal
from tests.subsidies.lifecycle import END, START, YEAR, application_in

pytestmark = pytest.mark.django_db

# 120,000 + 95,000 = 215,000 at 10/10, cut to the rule's yearly cap of 200,000.
TWO_LINES = "120,000", "95000"


@pytest.fixture
def sec(client, world):
    client.force_login(world.secretary)
    return client


def two_lines(world):
    return [
        (world.juyohi.pk, "防災マップの印刷", TWO_LINES[0]),
        (world.hoshohi.pk, "講師謝礼", TWO_LINES[1]),
    ]


def pdf(name="計画書.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def kept_keys(response) -> list[str]:
    return [item["key"] for item in response.context["pending"]]


def other_stage(world) -> str:
    return next(s for s in Stage.values if s != world.council.stage)


# Reaching the form -------------------------------------------------------------------


def test_dashboard_offers_a_new_application_at_the_top(sec, world):
    body = sec.get(reverse("portal:home")).content.decode()
    link = body.index(f'href="{portal("new")}"')
    assert link < body.index("<h2")  # above every panel


def test_list_has_a_button_per_programme_open_to_the_council(sec, world):
    closed = RuleFactory(
        programme__code="junbi", programme__name="準備支援", eligible_stages=[other_stage(world)]
    )
    body = sec.get(portal("list")).content.decode()
    link = f"{portal('new')}?programme={world.programme.pk}&amp;fiscal_year={YEAR}"
    assert f'href="{link}">活動費補助金に申請する' in body
    assert f"programme={closed.programme.pk}" not in body


def test_link_preselects_programme_year_and_the_whole_fiscal_year(sec, world):
    response = sec.get(f"{portal('new')}?programme={world.programme.pk}&fiscal_year={YEAR}")
    assert response.status_code == 200
    form = response.context["form"]
    assert form["programme"].value() == world.programme.pk
    assert form["fiscal_year"].value() == YEAR
    assert (form["work_starts_on"].value(), form["work_ends_on"].value()) == (START, END)
    assert "theme" not in form.fields  # the rule sets no limit per theme
    assert response.context["formset"].total_form_count() == 3
    # Only the rule's categories are offered on a line.
    choices = [c for _value, c in form.fields["programme"].choices]
    assert "活動費補助金" in choices
    line_choices = [
        str(c) for _v, c in response.context["formset"].forms[0]["category"].field.choices
    ]
    assert line_choices == ["選んでください", "報償費", "需用費"]


def test_the_only_open_programme_is_preselected(sec, world):
    RuleFactory(programme__code="junbi", eligible_stages=[other_stage(world)])
    response = sec.get(portal("new"))
    assert response.context["form"]["programme"].value() == world.programme.pk


def test_nothing_is_preselected_when_two_programmes_are_open(sec, world):
    RuleFactory(programme__code="junbi")
    response = sec.get(portal("new"))
    assert response.context["form"]["programme"].value() is None


def test_theme_is_asked_only_when_the_rule_limits_themes(sec, world):
    world.rule.max_applications_per_theme = 2
    world.rule.save()
    response = sec.get(portal("new"))
    assert "theme" in response.context["form"].fields


def test_amount_is_not_marked_required(sec, world):
    body = sec.get(portal("new")).content.decode()
    label = re.search(r'<label for="id_requested_amount">(.*?)</label>', body).group(1)
    assert label == "申請額（円）"
    title = re.search(r'<label for="id_title">(.*?)</label>', body).group(1)
    assert "必須" in title


def test_the_labour_line_can_be_removed_in_one_tap(sec, world):
    # The form's rows all carry the one checkbox that drops them.
    body = sec.get(portal("new")).content.decode()
    assert body.count("この行を削除") == 1 + 3 + 1  # the help, three rows, the row template


# 申請額 left blank ------------------------------------------------------------------


def test_blank_amount_becomes_the_engine_amount(sec, world):
    response = sec.post(portal("new"), application_data(world, amount="", lines=two_lines(world)))
    application = Application.objects.get()
    assert response.status_code == 302
    assert response.url == portal("confirm", application.pk)
    assert application.requested_amount == 200_000
    page = sec.get(response.url).content.decode()
    assert "¥200,000" in page
    assert "年度上限" in page  # the engine's breakdown on the one-tap confirmation
    assert sec.post(portal("confirm", application.pk)).status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"


def test_typed_amount_is_kept(sec, world):
    sec.post(portal("new"), application_data(world, amount="150,000", lines=two_lines(world)))
    assert Application.objects.get().requested_amount == 150_000


# A rejected form keeps everything ------------------------------------------------------


def test_rejected_form_keeps_typed_values_and_the_chosen_file(sec, world):
    data = application_data(world, amount="", lines=two_lines(world), title="")
    response = sec.post(portal("new"), {**data, "files": [pdf()]})
    assert response.status_code == 200
    assert not Application.objects.exists()
    body = response.content.decode()
    assert '<a href="#id_title">事業名: このフィールドは必須です。</a>' in body
    assert "添付済み: 計画書.pdf" in body
    assert response.context["formset"].forms[1]["amount"].value() == "95000"
    keys = kept_keys(response)
    assert len(keys) == 1 and "/" not in keys[0]
    # Fixed and sent again without choosing the file again: it is attached.
    data = {**data, "title": "防災マップの作成", "kept_uploads": keys}
    response = sec.post(portal("new"), data)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "計画書.pdf"
    assert attachment.file.read() == pdf_bytes()
    assert attachment.application.requested_amount == 200_000


def test_a_bad_file_on_the_second_submit_is_named_and_the_kept_one_stays(sec, world):
    data = application_data(world, lines=two_lines(world), title="")
    keys = kept_keys(sec.post(portal("new"), {**data, "files": [pdf()]}))
    bad = SimpleUploadedFile(
        "見積書.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )
    data = {**data, "title": "防災マップの作成", "kept_uploads": keys, "files": [bad]}
    response = sec.post(portal("new"), data)
    assert response.status_code == 200
    assert not Application.objects.exists()
    assert [e.code for e in response.context["uploads"].errors.as_data()["files"]] == [
        "file_type_not_allowed"
    ]
    body = response.content.decode()
    assert (
        '<a href="#id_files">添付書類: 「見積書.pdf」はPDF・JPEG・PNGのいずれでもありません' in body
    )
    assert kept_keys(response) == keys
    data.pop("files")
    assert sec.post(portal("new"), data).status_code == 302
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["計画書.pdf"]


def test_an_unticked_file_is_not_attached(sec, world):
    data = application_data(world, lines=two_lines(world), title="")
    sec.post(portal("new"), {**data, "files": [pdf()]})
    response = sec.post(portal("new"), {**data, "title": "防災マップの作成"})
    assert response.status_code == 302
    assert not Attachment.objects.exists()


def test_another_sessions_key_attaches_nothing(sec, world, client):
    data = application_data(world, lines=two_lines(world), title="")
    keys = kept_keys(sec.post(portal("new"), {**data, "files": [pdf()]}))
    from django.test import Client

    other = Client()
    other.force_login(world.secretary)
    response = other.post(portal("new"), {**data, "title": "別の申請", "kept_uploads": keys})
    assert response.status_code == 302
    assert not Attachment.objects.exists()


def test_engine_refusal_marks_the_amount_next_to_it(sec, world):
    response = sec.post(
        portal("new"), application_data(world, amount="250000", lines=two_lines(world))
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert '<a href="#id_requested_amount">申請額（円）: 申請額 250,000円 は' in body
    assert 'id="id_requested_amount_errors"' in body


# A double tap ----------------------------------------------------------------------


def test_the_same_form_posted_twice_makes_one_application(sec, world):
    token = sec.get(portal("new")).context["form_token"]
    data = {**application_data(world, lines=two_lines(world)), "form_token": token}
    first = sec.post(portal("new"), {**data, "files": [pdf()]})
    second = sec.post(portal("new"), {**data, "files": [pdf()]})
    application = Application.objects.get()
    assert first.url == second.url == portal("confirm", application.pk)
    assert application.attachments.count() == 1


def test_two_forms_make_two_applications(sec, world):
    for _ in range(2):
        token = sec.get(portal("new")).context["form_token"]
        data = {**application_data(world, action="save"), "form_token": token}
        assert sec.post(portal("new"), data).status_code == 302
    assert Application.objects.count() == 2


# Who may --------------------------------------------------------------------------


def test_another_councils_secretary_cannot_open_or_estimate_the_application(client, world):
    application = application_in(world, "draft")
    client.force_login(world.other_secretary)
    assert client.get(portal("edit", application.pk)).status_code == 404
    data = {**estimate_data(world), "application": application.pk}
    assert client.post(portal("estimate"), data).status_code == 404


def test_a_user_who_is_no_secretary_is_refused(client, world):
    client.force_login(UserFactory())
    assert client.get(portal("new")).status_code == 403
    assert client.post(portal("estimate"), estimate_data(world)).status_code == 403


# The 交付可能額 endpoint --------------------------------------------------------------


def estimate_data(world, lines=None):
    lines = lines if lines is not None else two_lines(world)
    return {"programme": world.programme.pk, "fiscal_year": YEAR, **lines_data(lines)}


def test_estimate_answers_the_total_and_the_engine_amount(sec, world):
    response = sec.post(portal("estimate"), estimate_data(world))
    assert response.status_code == 200
    answer = response.json()
    assert (answer["total"], answer["total_text"]) == (215_000, "¥215,000")
    assert (answer["amount"], answer["amount_text"]) == (200_000, "¥200,000")
    assert answer["eligible"] is True
    assert any("年度上限" in line for line in answer["lines"])


def test_estimate_counts_only_complete_lines(sec, world):
    lines = [(world.juyohi.pk, "", "50,000"), ("", "未完成", "70000"), (world.hoshohi.pk, "", "")]
    answer = sec.post(portal("estimate"), estimate_data(world, lines)).json()
    assert (answer["total"], answer["amount"]) == (50_000, 50_000)


def test_estimate_for_the_councils_own_application_leaves_its_grant_out(sec, world):
    application = application_in(world, "decided")  # 120,000 decided this year
    base = estimate_data(world)
    assert sec.post(portal("estimate"), base).json()["amount"] == 80_000
    own = sec.post(portal("estimate"), {**base, "application": application.pk}).json()
    assert own["amount"] == 200_000


def test_estimate_without_a_programme_says_what_to_do(sec, world):
    answer = sec.post(portal("estimate"), lines_data([])).json()
    assert answer["amount"] is None
    assert answer["message"] == "補助制度と年度を選ぶと、交付可能額を計算します。"


def test_estimate_refuses_get_and_sends_anonymous_to_login(client, sec, world):
    assert sec.get(portal("estimate")).status_code == 405
    client.logout()
    response = client.post(portal("estimate"), estimate_data(world))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# Queries ----------------------------------------------------------------------------


def test_form_page_runs_a_fixed_number_of_queries(sec, world, django_assert_max_num_queries):
    url = f"{portal('new')}?programme={world.programme.pk}&fiscal_year={YEAR}"
    sec.get(url)
    with django_assert_max_num_queries(15):
        assert sec.get(url).status_code == 200


def test_estimate_runs_a_fixed_number_of_queries(sec, world, django_assert_max_num_queries):
    sec.post(portal("estimate"), estimate_data(world))
    with django_assert_max_num_queries(16):
        assert sec.post(portal("estimate"), estimate_data(world)).status_code == 200


def many_lines(world, count):
    return [(world.juyohi.pk, f"印刷{n}", "1,000") for n in range(count)]


def count_queries(call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


@pytest.mark.parametrize("what", ["estimate", "rejected form", "draft page"])
def test_queries_do_not_grow_with_the_number_of_lines(sec, world, what):
    """2 lines or 40: the same number of queries (the categories are read once)."""

    def run(count):
        lines = many_lines(world, count)
        if what == "estimate":
            return lambda: sec.post(portal("estimate"), estimate_data(world, lines))
        if what == "rejected form":
            data = application_data(world, lines=lines, title="")  # 事業名 missing
            return lambda: sec.post(portal("new"), data)
        draft = Application.objects.get(
            pk=sec.post(portal("new"), application_data(world, lines=lines, action="save"))
            .url.rstrip("/")
            .rsplit("/", 1)[-1]
        )
        return lambda: sec.get(portal("edit", draft.pk))

    few, many = run(2), run(40)
    few(), many()  # warm the session and caches
    assert count_queries(few) == count_queries(many)
