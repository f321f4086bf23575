"""The application page offers only the staff actions that can succeed now, lists the
others with why, and its forms show the amounts in exact yen before they are sent.

Every reason below is written out by hand. A refused action changes nothing: the row, its
lines, its events and the notices are read back from the database and compared.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from subsidies import services
from subsidies.exceptions import TransitionError
from subsidies.models import Budget, Status

from .http import staff_post, transition_url
from .lifecycle import START, YEAR, application_in, draft, report_data, snapshot, step

TODAY = timezone.localdate().isoformat()


@pytest.fixture
def staff(client, world):
    client.force_login(world.staff)
    return client


def page(application):
    return reverse("admin:subsidies_application_change", args=[application.pk])


def advance_paid(world, amount, *, actual=None, other=False):
    """Decided 120,000, ``amount`` paid in advance, report of ``actual``, confirmed;
    ``other``: for the second council (its yearly cap untouched)."""
    council = {"council": world.other, "secretary": world.other_secretary} if other else {}
    app = application_in(world, Status.DECIDED, **council)
    step(app, "pay_advance", world.staff, amount=amount)
    step(
        app,
        "submit_report",
        world.other_secretary if other else world.secretary,
        **report_data(world, app, actual or 120_000, report_text="防災マップを配布した。"),
    )
    return step(app, "confirm", world.staff)


def use_up_budget(world, left):
    """Another council holds a 100,000 decision; the budget leaves ``left`` for others."""
    application_in(
        world, Status.DECIDED, amount=100_000, council=world.other, secretary=world.other_secretary
    )
    Budget.objects.filter(programme=world.programme, fiscal_year=YEAR).update(amount=100_000 + left)


# What the page offers, status by status ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.SUBMITTED, [("return", None), ("decide", None), ("refuse", None)]),
        # 窓口代行入力による実績報告: staff enter a paper report once the grant is decided.
        (Status.DECIDED, [("pay_advance", None), ("proxy_submit_report", None)]),
        (Status.CHANGE_REQUESTED, [("approve_change", None), ("refuse_change", None)]),
        (Status.REPORT_SUBMITTED, [("return_report", None), ("confirm", None)]),
        (Status.CONFIRMED, [("pay", None), ("request_refund", "まだ支払っていません。")]),
        (Status.REFUND_REQUESTED, [("receive_refund", None)]),
        (Status.RETURNED, []),
        (Status.REFUSED, []),
        (Status.WITHDRAWN, []),
        (Status.COMPLETED, []),
    ],
)
def test_available_actions_by_status(world, status, expected):
    app = application_in(world, status)
    assert services.available_actions(app, date.today()) == expected


@pytest.mark.django_db
def test_a_councils_own_draft_cannot_be_submitted_at_the_counter(world):
    app = application_in(world, Status.DRAFT)
    assert services.available_actions(app) == [
        ("proxy_submit", "窓口代行入力の申請ではありません（地域協働体の事務局が申請します）。")
    ]
    app.proxy_entry = True
    app.save(update_fields=["proxy_entry"])
    assert services.available_actions(app) == [("proxy_submit", None)]


@pytest.mark.django_db
def test_a_proxy_draft_that_would_fail_submission_says_why(world):
    app = draft(world, amount=250_000)  # above the yearly cap of 200,000
    app.proxy_entry = True
    app.save(update_fields=["proxy_entry"])
    assert services.available_actions(app) == [
        (
            "proxy_submit",
            "申請額 250,000円 は、計算上の交付可能額 200,000円 を超えています。",
        )
    ]


@pytest.mark.django_db
def test_advance_is_not_offered_where_the_programme_forbids_it(world):
    world.rule.advance_payment_allowed = False
    world.rule.save()
    app = application_in(world, Status.DECIDED)
    assert services.available_actions(app) == [
        ("pay_advance", "この制度は前金払いを認めていません。"),
        ("proxy_submit_report", None),
    ]


@pytest.mark.django_db
def test_advance_is_not_offered_twice(world):
    app = application_in(world, Status.DECIDED)
    step(app, "pay_advance", world.staff, amount=50_000)
    assert services.available_actions(app) == [
        ("pay_advance", "前金払いは既に行われています（50,000円）。"),
        ("proxy_submit_report", None),
    ]


@pytest.mark.django_db
def test_refund_is_offered_only_when_more_was_paid_than_confirmed(world):
    part = advance_paid(world, 50_000)
    assert services.available_actions(part) == [
        ("pay", None),
        (
            "request_refund",
            "支払済額 50,000円 が確定額 120,000円 を超えていないため、返還請求はできません。",
        ),
    ]
    over = advance_paid(world, 120_000, actual=90_000, other=True)
    assert services.available_actions(over) == [
        (
            "pay",
            "前金払額が確定額を上回っているため、支払ではなく返還請求をしてください"
            "（返還額 30,000円）。",
        ),
        ("request_refund", None),
    ]


@pytest.mark.django_db
def test_decision_is_not_offered_when_the_budget_is_used_up(world):
    app = application_in(world, Status.SUBMITTED)
    use_up_budget(world, 0)
    assert services.available_actions(app) == [
        ("return", None),
        ("decide", "予算の残額がありません（予算残額 0円）。"),
        ("refuse", None),
    ]


@pytest.mark.django_db
def test_decision_is_not_offered_when_the_yearly_cap_is_reached(world):
    first = application_in(world, Status.SUBMITTED, amount=200_000)
    second = application_in(world, Status.SUBMITTED, amount=50_000)
    step(first, "decide", world.staff)
    assert dict(services.available_actions(second))["decide"] == (
        f"この補助制度の対象になりません: 令和{YEAR - 2018}年度の年度上限 200,000円を"
        "既に使い切っています。"
    )


@pytest.mark.django_db
def test_change_approval_is_not_offered_when_the_budget_is_used_up(world):
    app = application_in(world, Status.CHANGE_REQUESTED)
    use_up_budget(world, 0)
    assert services.available_actions(app) == [
        ("approve_change", "予算の残額がありません（予算残額 0円）。"),
        ("refuse_change", None),
    ]


# The page: links for what is offered, the reasons for the rest ----------------------------


@pytest.mark.django_db
def test_page_links_only_the_offered_actions_and_lists_the_rest_with_why(staff, world):
    world.rule.advance_payment_allowed = False
    world.rule.save()
    app = application_in(world, Status.DECIDED)
    response = staff.get(page(app))
    assert response.status_code == 200
    offered = [a["action"] for a in response.context["transition_actions"]]
    assert offered == ["proxy_submit_report"]  # the paper report only
    body = response.content.decode()
    assert transition_url(app, "pay_advance") not in body
    assert "前金払い：この制度は前金払いを認めていません。" in body


@pytest.mark.django_db
def test_page_of_a_confirmed_grant_offers_payment_not_refund(staff, world):
    app = application_in(world, Status.CONFIRMED)
    body = staff.get(page(app)).content.decode()
    assert transition_url(app, "pay") in body
    assert transition_url(app, "request_refund") not in body
    assert "返還請求：まだ支払っていません。" in body


@pytest.mark.django_db
def test_viewer_sees_no_actions_and_no_reasons(client, world):
    app = application_in(world, Status.CONFIRMED)
    client.force_login(world.viewer)
    response = client.get(page(app))
    if response.status_code == 200:
        assert response.context["transition_actions"] == []
        assert response.context["unavailable_actions"] == []
    else:
        assert response.status_code in (302, 403)


# Refused through the admin: the reason, and nothing changed --------------------------------


def refused_cases():
    return [
        ("advance_forbidden", "pay_advance", {"amount": "10000", "paid_on": TODAY},
         "前金払い：この制度は前金払いを認めていません。"),
        ("advance_twice", "pay_advance", {"amount": "10000", "paid_on": TODAY},
         "前金払い：前金払いは既に行われています（50,000円）。"),
        ("refund_unpaid", "request_refund", {"refund_due_on": TODAY},
         "返還請求：まだ支払っていません。"),
        ("pay_overpaid", "pay", {"paid_on": TODAY},
         "精算払（残額の支払）：前金払額が確定額を上回っているため、支払ではなく返還請求を"
         "してください（返還額 30,000円）。"),
        ("decide_no_budget", "decide", {"amount": "120000", "decided_on": TODAY},
         "交付決定：予算の残額がありません（予算残額 0円）。"),
        ("decide_wrong_status", "decide", {"amount": "120000", "decided_on": TODAY},
         "交付決定：状況が「交付決定」の申請にはできません。"),
        ("proxy_not_proxy", "proxy_submit", {},
         "窓口代行入力による申請：窓口代行入力の申請ではありません（地域協働体の事務局が申請します）。"),
    ]  # fmt: skip


def prepare(world, case):
    if case == "advance_forbidden":
        world.rule.advance_payment_allowed = False
        world.rule.save()
        return application_in(world, Status.DECIDED)
    if case == "advance_twice":
        app = application_in(world, Status.DECIDED)
        return step(app, "pay_advance", world.staff, amount=50_000)
    if case == "refund_unpaid":
        return application_in(world, Status.CONFIRMED)
    if case == "pay_overpaid":
        return advance_paid(world, 120_000, actual=90_000)
    if case == "decide_no_budget":
        app = application_in(world, Status.SUBMITTED)
        use_up_budget(world, 0)
        return app
    if case == "decide_wrong_status":
        return application_in(world, Status.DECIDED)
    if case == "proxy_not_proxy":
        return application_in(world, Status.DRAFT)
    raise AssertionError(case)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "action", "data", "message"), refused_cases(), ids=[c[0] for c in refused_cases()]
)
def test_refused_action_says_why_and_changes_nothing(staff, world, case, action, data, message):
    app = prepare(world, case)
    before = snapshot(app)
    for send in (
        lambda: staff.get(transition_url(app, action)),
        lambda: staff_post(staff, app, action, **data),
    ):
        response = send()
        assert response.status_code == 302
        assert response.url == page(app)
        shown = [str(m) for m in staff.get(response.url).context["messages"]]
        assert shown == [message]
    assert snapshot(app) == before
    # The service refuses the same move on its own (the page only asks it first).
    with pytest.raises(TransitionError):
        step(app, action, world.staff, **{k: int(v) for k, v in data.items() if k == "amount"})
    assert snapshot(app) == before


# Allowed through the admin: each staff action from the page -------------------------------


def allowed_cases():
    return [
        ("submitted", "return", {"comment": "明細を直してください。"}, Status.RETURNED),
        ("submitted", "decide", {"amount": "120000", "decided_on": TODAY}, Status.DECIDED),
        ("submitted", "refuse", {"comment": "対象外の事業です。"}, Status.REFUSED),
        ("decided", "pay_advance", {"amount": "50000", "paid_on": TODAY}, Status.DECIDED),
        ("change_requested", "approve_change", {"amount": "150000", "decided_on": TODAY},
         Status.DECIDED),
        ("change_requested", "refuse_change", {"comment": "認められません。"}, Status.DECIDED),
        ("report_submitted", "return_report", {"comment": "領収書が足りません。"},
         Status.REPORT_RETURNED),
        ("report_submitted", "confirm", {"confirmed_on": TODAY}, Status.CONFIRMED),
        ("confirmed", "pay", {"paid_on": TODAY}, Status.COMPLETED),
        ("refund_requested", "receive_refund", {"amount": "30000", "received_on": TODAY},
         Status.COMPLETED),
    ]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "action", "data", "to_status"),
    allowed_cases(),
    ids=[f"{c[0]}-{c[1]}" for c in allowed_cases()],
)
def test_offered_action_is_linked_and_works(staff, world, status, action, data, to_status):
    if status == "refund_requested":
        app = advance_paid(world, 120_000, actual=90_000)
        step(app, "request_refund", world.staff)
    else:
        app = application_in(world, status)
    events = app.events.count()
    assert transition_url(app, action) in staff.get(page(app)).content.decode()
    assert staff.get(transition_url(app, action)).status_code == 200
    response = staff_post(staff, app, action, **data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    app.refresh_from_db()
    assert app.status == to_status
    assert app.events.count() == events + 1


@pytest.mark.django_db
def test_proxy_draft_is_submitted_at_the_counter(staff, world):
    app = draft(world)
    app.proxy_entry = True
    app.save(update_fields=["proxy_entry"])
    assert transition_url(app, "proxy_submit") in staff.get(page(app)).content.decode()
    assert staff_post(staff, app, "proxy_submit").status_code == 302
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED


# The amounts the forms show, in exact yen ----------------------------------------------


def amounts_table(response):
    """The rows of the form's amount table as (heading, amount) text pairs."""
    import re

    body = response.content.decode()
    rows = re.findall(r'<tr[^>]*><th scope="row">(.*?)</th><td class="num">(.*?)</td></tr>', body)
    return [(re.sub(r"<[^>]+>", "", head), value) for head, value in rows]


@pytest.mark.django_db
def test_decision_form_shows_the_engine_amount_and_the_budget_left(staff, world):
    app = application_in(world, Status.SUBMITTED)
    response = staff.get(transition_url(app, "decide"))
    assert amounts_table(response) == [
        ("計算上の交付可能額", "¥120,000"),
        (f"予算残額（活動費補助金・令和{YEAR - 2018}年度）", "¥1,000,000"),
        ("申請額", "¥120,000"),
        ("決定できる上限（いちばん少ない額）", "¥120,000"),
    ]


@pytest.mark.django_db
def test_decision_form_when_the_yearly_cap_is_partly_used(staff, world):
    first = application_in(world, Status.SUBMITTED, amount=150_000)
    second = application_in(world, Status.SUBMITTED, amount=80_000)
    step(first, "decide", world.staff)
    response = staff.get(transition_url(second, "decide"))
    assert amounts_table(response) == [
        ("計算上の交付可能額", "¥50,000"),
        (f"予算残額（活動費補助金・令和{YEAR - 2018}年度）", "¥850,000"),
        ("申請額", "¥80,000"),
        ("決定できる上限（いちばん少ない額）", "¥50,000"),
    ]


@pytest.mark.django_db
def test_decision_form_when_the_budget_is_nearly_used_up(staff, world):
    app = application_in(world, Status.SUBMITTED)
    use_up_budget(world, 30_000)
    response = staff.get(transition_url(app, "decide"))
    assert amounts_table(response) == [
        ("計算上の交付可能額", "¥30,000"),
        (f"予算残額（活動費補助金・令和{YEAR - 2018}年度）", "¥30,000"),
        ("申請額", "¥120,000"),
        ("決定できる上限（いちばん少ない額）", "¥30,000"),
    ]
    # One yen above what it showed is refused in place; the amount it showed is decided.
    response = staff_post(staff, app, "decide", amount="30001", decided_on=TODAY)
    assert response.status_code == 200
    assert "予算の残額 30,000円 を超えるため決定できません（30,001円）。" in (
        response.content.decode()
    )
    assert staff_post(staff, app, "decide", amount="30000", decided_on=TODAY).status_code == 302
    app.refresh_from_db()
    assert (app.status, app.decided_amount) == (Status.DECIDED, 30_000)


@pytest.mark.django_db
def test_decision_form_in_the_second_year(staff, world):
    # Last year's 200,000 (the whole yearly cap) counts neither against this year's cap
    # nor against this year's budget.
    last = draft(world, amount=200_000, year=YEAR - 1)
    at = timezone.now() - timedelta(days=365)
    day = START - timedelta(days=200)
    past = services.record_past_transition
    past(application=last, action="submit", at=at, today=day)
    past(application=last, action="decide", at=at, decided_on=day)
    past(
        application=last,
        action="submit_report",
        at=at,
        today=day,
        **{
            **report_data(world, last, 200_000, report_text="防災マップを配布した。"),
            "completed_on": day,
        },
    )
    past(application=last, action="confirm", at=at, confirmed_on=day)
    past(application=last, action="pay", at=at, paid_on=day)
    assert services.available_actions(last) == []
    app = application_in(world, Status.SUBMITTED)
    response = staff.get(transition_url(app, "decide"))
    assert amounts_table(response) == [
        ("計算上の交付可能額", "¥120,000"),
        (f"予算残額（活動費補助金・令和{YEAR - 2018}年度）", "¥1,000,000"),
        ("申請額", "¥120,000"),
        ("決定できる上限（いちばん少ない額）", "¥120,000"),
    ]


@pytest.mark.django_db
def test_change_approval_form_frees_the_applications_own_decision(staff, world):
    app = application_in(world, Status.CHANGE_REQUESTED)  # decided 120,000, asks 150,000
    response = staff.get(transition_url(app, "approve_change"))
    assert amounts_table(response) == [
        ("計算上の交付可能額", "¥150,000"),
        (
            f"予算残額（活動費補助金・令和{YEAR - 2018}年度、この申請の交付決定額を除く）",
            "¥1,000,000",
        ),
        ("変更後の申請額", "¥150,000"),
        ("決定できる上限（いちばん少ない額）", "¥150,000"),
    ]


@pytest.mark.django_db
def test_settlement_form_shows_what_it_pays_after_an_advance(staff, world):
    app = advance_paid(world, 50_000)
    response = staff.get(transition_url(app, "pay"))
    assert amounts_table(response) == [
        ("確定額", "¥120,000"),
        ("支払済額（前金を含む）", "− ¥50,000"),
        ("この操作で支払う額", "¥70,000"),
    ]
    assert staff_post(staff, app, "pay", paid_on=TODAY).status_code == 302
    app.refresh_from_db()
    assert (app.status, app.paid_amount) == (Status.COMPLETED, 120_000)


@pytest.mark.django_db
def test_settlement_form_without_an_advance_pays_the_whole_confirmed_amount(staff, world):
    app = application_in(world, Status.CONFIRMED)
    assert amounts_table(staff.get(transition_url(app, "pay"))) == [
        ("確定額", "¥120,000"),
        ("支払済額（前金を含む）", "− ¥0"),
        ("この操作で支払う額", "¥120,000"),
    ]


@pytest.mark.django_db
def test_settlement_form_after_an_advance_of_the_whole_amount_pays_nothing(staff, world):
    app = advance_paid(world, 120_000)
    assert amounts_table(staff.get(transition_url(app, "pay"))) == [
        ("確定額", "¥120,000"),
        ("支払済額（前金を含む）", "− ¥120,000"),
        ("この操作で支払う額", "¥0"),
    ]


@pytest.mark.django_db
def test_refund_form_shows_what_it_asks_back(staff, world):
    app = advance_paid(world, 120_000, actual=90_000)
    response = staff.get(transition_url(app, "request_refund"))
    assert amounts_table(response) == [
        ("確定額", "¥90,000"),
        ("支払済額（前金を含む）", "− ¥120,000"),
        ("この操作で返還を求める額", "¥30,000"),
    ]


# The page's queries ----------------------------------------------------------------------


# Measured on the page: each offered or refused action's precheck reads a fixed number of
# rows (the rule, the budget, the engine's history), never one per line or event. The
# admin's change view runs in a transaction: inside the test's own, that may add a
# SAVEPOINT and its RELEASE, counted here as 2.
QUERIES = {
    Status.SUBMITTED: 39 + 2,
    Status.DECIDED: 35 + 2,
    Status.CHANGE_REQUESTED: 47 + 2,
    Status.REPORT_SUBMITTED: 47 + 2,
    Status.CONFIRMED: 41 + 2,
}


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(QUERIES))
def test_application_page_queries_are_fixed(staff, world, status, django_assert_max_num_queries):
    app = application_in(world, status)
    staff.get(page(app))  # warm the per-process caches (content types, site)
    with django_assert_max_num_queries(QUERIES[status]):
        assert staff.get(page(app)).status_code == 200
    # Three more lines and two more events cost nothing more.
    app.lines.create(kind="plan", category=world.juyohi, amount=1, position=9)
    app.lines.create(kind="plan", category=world.juyohi, amount=1, position=10)
    app.lines.create(kind="plan", category=world.juyohi, amount=1, position=11)
    for _ in range(2):
        app.events.create(action="edit", from_status=status, to_status=status)
    staff.get(page(app))  # the changed rows refill their caches once
    with django_assert_max_num_queries(QUERIES[status]):
        assert staff.get(page(app)).status_code == 200
