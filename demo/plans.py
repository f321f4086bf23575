"""Demo plans and progress, loaded from the seed documents in /work/shared/seeds.

- 第2次一関市地域協働推進計画 (seeds 003/004): the five 基本方針 ⑴–⑸ and 事業1–15 with
  their contents and a schedule over 平成31–35年度 (2019–2023). The PDF text keeps each
  schedule bar's label but not its position, so each label is applied to all five years
  (事業15: 調査検討 in 平成31年度, then the label of its bar).
- 盛岡市 協働のまちづくりの推進 (seed 002): seven 取組項目 under four headings with their
  実施内容 for 平成22年度, 平成23年度 and 平成24年度上半期, their 達成状況 and the counts the
  texts give (開催回数, 延べ参加人数; where a text lists グラウンドワーク and ワークショップ
  separately the entry holds their sum), under Morioka's status vocabulary.
- 山口市 協働推進プラン (seed 001): the 平成21–24年度 version with 47 推進項目 under
  推進方針 I–V whose 平成24年度 statuses give the published roll-up exactly (the seed
  names the items only in an appendix it does not include, so they are numbered, not
  named), and its revision for 平成25年度 onwards with 推進方針 Ⅰ–Ⅳ, their 推進施策 and the
  five 数値目標 with baseline (H18), actual (H23) and targets (H24, H29).
- Community plans of 山目・藤沢 (published, with progress in every review state) and
  田河津 (a draft): issues from the councils' survey in seed 004 (⑧) and projects from its
  list of council activities (活動の事例); their wording, role allocation and figures are
  illustrative.

Everything is created with get_or_create on natural keys: a second run changes nothing.
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from core.calendar import FIRST_HALF, Period, parse_fiscal_year, parse_period
from councils.models import Council
from plans.models import (
    Actor,
    Indicator,
    IndicatorValue,
    ItemSchedule,
    LocalIssue,
    Plan,
    PlanAction,
    PlanItem,
    PlanKind,
    PlanStatus,
    PlanTransition,
    Policy,
    ProgressAction,
    ProgressEntry,
    ProgressStatus,
    ProgressTransition,
    ReviewState,
    RoleAllocation,
    StatusVocabulary,
    ValueKind,
)

TOKYO = ZoneInfo("Asia/Tokyo")
DEMO_NOTE = "デモデータ（資料から登録）"


def _at(year, month, day) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=TOKYO)


# ---------------------------------------------------------------------------------------
# Status vocabularies

MORIOKA_VOCABULARY = "盛岡市 達成状況"
MORIOKA_STATUSES = [
    ("achieved", "達成済", True),
    ("in_progress", "実施進行中・調査検討中", True),
    ("not_achieved", "未達成", True),
    ("not_assessed", "-", False),
]
YAMAGUCHI_VOCABULARY = "山口市 推進状況"
YAMAGUCHI_STATUSES = [
    ("done", "実施済", True),
    ("ongoing", "継続推進", True),
    ("partial", "一部実施", True),
    ("study", "検討中", True),
]


def _vocabulary(name, description, statuses, *, is_default=False) -> StatusVocabulary:
    vocabulary, _ = StatusVocabulary.objects.get_or_create(
        name=name, defaults={"description": description, "is_default": is_default}
    )
    for order, (code, label, assessed) in enumerate(statuses, 1):
        ProgressStatus.objects.get_or_create(
            vocabulary=vocabulary,
            code=code,
            defaults={"label": label, "order": order, "is_assessed": assessed},
        )
    return vocabulary


# ---------------------------------------------------------------------------------------
# Building blocks


def _plan(*, title, version=1, council=None, **defaults) -> Plan:
    plan, _ = Plan.objects.get_or_create(
        title=title,
        version=version,
        council=council,
        defaults={"kind": PlanKind.COMMUNITY if council else PlanKind.CITY, **defaults},
    )
    if plan.status in (PlanStatus.PUBLISHED, PlanStatus.SUPERSEDED):
        PlanTransition.objects.get_or_create(
            plan=plan,
            action=PlanAction.PUBLISH,
            defaults={
                "from_status": PlanStatus.DRAFT,
                "to_status": PlanStatus.PUBLISHED,
                "at": plan.published_at,
                "comment": DEMO_NOTE,
            },
        )
    return plan


def _policy(plan, order, number, title, description="") -> Policy:
    policy, _ = Policy.objects.get_or_create(
        plan=plan,
        order=order,
        defaults={"number": number, "title": title, "description": description},
    )
    return policy


def _item(plan, policy, order, number, title, content="", *, schedule=None, roles=()):
    item, created = PlanItem.objects.get_or_create(
        plan=plan,
        number=number,
        defaults={"policy": policy, "order": order, "title": title, "content": content},
    )
    if created:
        ItemSchedule.objects.bulk_create(
            ItemSchedule(item=item, fiscal_year=year, text=text)
            for year, text in (schedule or {}).items()
        )
        RoleAllocation.objects.bulk_create(
            RoleAllocation(item=item, order=i, actor=actor, actor_name=name, role=role)
            for i, (actor, name, role) in enumerate(roles, 1)
        )
    return item


def _entry(
    item,
    period: Period,
    done,
    status_code,
    *,
    state=ReviewState.ACCEPTED,
    meetings=None,
    participants=None,
    comment="",
    reason="",
    submitted=None,
    reviewed=None,
    published=None,
) -> ProgressEntry:
    """An entry in ``state`` with the audit rows that would have led there."""
    status = ProgressStatus.objects.get(vocabulary_id=item.plan.vocabulary_id, code=status_code)
    entry, created = ProgressEntry.objects.get_or_create(
        item=item,
        fiscal_year=period.fiscal_year,
        half=period.half,
        defaults={
            "done": done,
            "status": status,
            "meetings": meetings,
            "participants": participants,
            "state": state,
            "staff_comment": comment,
            "return_reason": reason,
            "submitted_at": submitted if state != ReviewState.DRAFT else None,
            "reviewed_at": reviewed,
            "published_at": published,
        },
    )
    if created:
        steps = []
        if state != ReviewState.DRAFT:
            steps.append(
                (ProgressAction.SUBMIT, ReviewState.DRAFT, ReviewState.SUBMITTED, submitted, "")
            )
        if state == ReviewState.ACCEPTED:
            steps.append(
                (
                    ProgressAction.ACCEPT,
                    ReviewState.SUBMITTED,
                    ReviewState.ACCEPTED,
                    reviewed,
                    comment,
                )
            )
        if state == ReviewState.RETURNED:
            steps.append(
                (
                    ProgressAction.RETURN,
                    ReviewState.SUBMITTED,
                    ReviewState.RETURNED,
                    reviewed,
                    reason,
                )
            )
        if published:
            steps.append(
                (ProgressAction.PUBLISH, ReviewState.ACCEPTED, ReviewState.ACCEPTED, published, "")
            )
        ProgressTransition.objects.bulk_create(
            ProgressTransition(
                entry=entry, action=a, from_state=f, to_state=t, at=at, comment=c or ""
            )
            for a, f, t, at, c in steps
        )
    return entry


def _bullets(*lines: str) -> str:
    # The seeds' "- " bullets become "・": a cell starting with "-" would be a formula in Excel.
    return "\n".join(f"・{line}" for line in lines)


# ---------------------------------------------------------------------------------------
# 一関市: 第2次一関市地域協働推進計画 (seeds 003, 004)

ICHINOSEKI_YEARS = [parse_fiscal_year(f"平成{n}年度") for n in range(31, 36)]  # 2019–2023

ICHINOSEKI_POLICIES = [
    (
        "⑴",
        "地域協働の仕組みと組織づくり",
        "地域協働体による市民主体の地域づくりをさらに進めるため、地域における調整、推進役を担う地域協働体の仕組みと組織づくりに取り組みます。",
    ),
    (
        "⑵",
        "地域人材の育成と確保",
        "これからの地域を担う人材、特にも若者の自主性や主体性を醸成するため、若者が参加しやすい仕組みづくりや幅広い世代の参加機会の創出などに努めるとともに、経験別や分野別などのそれぞれのステージに応じた各種研修会等を開催し、地域人材の育成と確保に取り組みます。",
    ),
    (
        "⑶",
        "地域の特性を活かした取組の推進",
        "地域協働体において、それぞれの地域の特性を活かした取組を進めるとともに、地域が抱える課題の解決を図るため、地域づくり計画に基づき実施する事業を支援します。",
    ),
    (
        "⑷",
        "地域協働体相互及び行政との連携強化",
        "地域協働を推進するため、地域協働体相互の交流を促進していくとともに、協働のメインパートナーである地域協働体と行政との連携を強化します。",
    ),
    (
        "⑸",
        "企業の参画促進",
        "地域の一員である企業の協働の取組への参画を促進し、地域住民、行政、各種団体と一体となった協働のまちづくりを進めます。",
    ),
]

# (policy index, number, title, content, schedule label)
ICHINOSEKI_ITEMS = [
    (
        0,
        "事業1",
        "地域の合意形成を図る事業に対する支援",
        "地域協働体の設立に向け、地域の合意形成を図るため行う会議、啓発その他の準備費用に対する支援\n限度額：１組織５万円（２箇年までとし、総額５万円、単年度精算、前金払い可）\n補助率：１００％",
        "実施",
    ),
    (
        0,
        "事業2",
        "「地域づくり計画」策定・見直し及び組織体制の見直し支援",
        "地域協働体の要請に応じて、専門知識の提供のため、企画、総務、福祉、建設など必要な部門の市職員を派遣\n現状にあわせ、設立時の組織から機能的な組織への変化が必要となることから、それに伴い必要な支援を行う",
        "実施（地域協働体の要請に応じて、市職員を派遣）",
    ),
    (
        0,
        "事業3",
        "「地域づくり計画」の市政への反映方法の検討",
        "事業の優先順位や役割・負担の程度を基に、地域と行政が協議を重ね、市の計画や予算に反映させていく方法を検討する",
        "方法の検討",
    ),
    (
        0,
        "事業4",
        "「地域協働体と行政との意見交換の場」の設置",
        "移動市長室等の機会を活用し、地域と市長が地域の将来像を共有するための意見交換会の開催\n地域づくり計画の実施等に関して、地域協働体からの申出により、地域協働体と市との意見交換会を開催\n市総合計画や各種施策に対する意見聴取",
        "地域協働体の要請等に応じて実施",
    ),
    (
        0,
        "事業5",
        "協働によるまちづくりの啓発",
        "協働のまちづくりを広く住民に理解してもらうため、継続して啓発活動に努める\n行政が、市民の意識啓発のための協働の研修会などを開催する\n地域協働体が、地域内で住民意識向上のため、協働の研修会などを開催\n各地域協働体における啓発活動の支援",
        "実施",
    ),
    (
        1,
        "事業6",
        "研修の機会や地域活動の情報の提供",
        "地域協働体の職員に対して、地域協働体の運営などに係る研修の機会を提供するとともに、階層別職員研修などの開催\n地域の人材育成に係る学習機会を提供するため、これまで行政が実施してきた研修などの実施と併せ、地域協働体と連携しながら各種研修会などを実施",
        "地域協働体の活動状況に応じて実施、充実",
    ),
    (
        2,
        "事業7",
        "「地域協働体支援事業補助金」交付による支援",
        "地域づくり計画を策定するまでの間の活動に係る支援\n限度額：１地域協働体 単年度10万円\n補助率：２/３",
        "地域協働体支援事業補助金の交付",
    ),
    (
        2,
        "事業8",
        "「地域協働体活動費補助金（通称 ひと・まち応援金）」交付による支援",
        "地域協働体が、地域課題の解決や地域の特性を活かした地域づくり活動を自主的に取り組むために要する経費について支援\n限度額：事業に要する経費…均等割＋地域割（均等割：各地域一律で算定した金額、地域割：地域内の人口に応じて算定した金額）、事務局人件費…給与、保険料等の事業主負担額、健康診断料など\n補助率：１００％\n補助金の対象経費については、必要に応じて見直しを実施",
        "地域協働体の活動状況に応じて交付（随時、制度見直し）",
    ),
    (
        2,
        "事業9",
        "地域協働体が雇用する職員（事務局員）に対する支援",
        "地域協働体における各種事業や事務処理の円滑化を図るため、地域協働体が雇用する職員（事務局員）の配置に要する経費を支援\n原則、１年目は市が雇用して、事務局に必要な知識、技術等の育成を図ったうえで、２年目以降から地域協働体が直接雇用する\n市が雇用する場合（１年目）：地域協働体あたり１名とし、市民センターに配置\n地域協働体が雇用する場合：勤務条件等は、地域協働体で定めるが、市雇用相当分の費用を支援",
        "地域協働体の活動状況に応じて支援",
    ),
    (
        2,
        "事業10",
        "いちのせき市民活動センターによる地域協働体への支援",
        "地域協働体の活動及び運営の支援（話し合いのためのファシリテーターの派遣、リーダー育成や運営上必要となる業務等の研修会の開催、活動に対する助言など）\n社会教育事業に関する支援（指定管理市民センターにおける社会教育事業の充実を図るため、定期的な巡回相談や助言などによる社会教育事業の企画等を支援）",
        "実施",
    ),
    (
        2,
        "事業11",
        "地域による市民センターの管理",
        "指定管理者制度により、地域が市民センターを管理することについて、地域との合意を踏まえて、段階的に導入していく\n社会教育事業や市民センター職員に対する社会教育等の研修の機会や情報の提供、学習事業実施に係る助言、支援等については行政が役割を果たしていく",
        "地域の実情に応じて、可能な地域から順次、指定管理に移行",
    ),
    (
        3,
        "事業12",
        "地域協働体相互の交流促進",
        "地域活動に関する情報提供、相談などの業務の実施、市民活動センター事業の充実\n地域協働体相互の交流促進を図るため、情報交換や意見交換及び成果報告の場などの創出",
        "地域協働体の活動状況に応じて実施、充実",
    ),
    (
        3,
        "事業13",
        "「地域担当職員」の配置",
        "地域協働体と行政とのパイプ役となる市職員（地域担当職員）を配置\n地域担当職員は、行政情報の提供や国・県等補助制度の活用、その他活動に対する助言など、地域協働体への各種支援や連絡調整などを行う。また、地域協働体が行う会議等に積極的に参加し、地域の現状や課題、目指す方向性をより詳しく把握する\n地域担当職員の研修会及び情報交換会等の定期的な開催",
        "配置",
    ),
    (
        3,
        "事業14",
        "行政各部門及び市職員における地域協働の意識高揚",
        "各担当課職員の意識改革（協働事例研修会や協働事業実践発表会の実施による協働のまちづくりへの理解）\nアクションプラン及び一関市協働推進職員行動指針の周知徹底",
        "随時実施",
    ),
    (
        4,
        "事業15",
        "協働によるまちづくりへの企業の参画",
        "企業の地域づくり事業への理解と積極的な参加・協働の促進（パートナー協定の締結、地域課題に企業のノウハウを活用など）\n市ホームページにおいて、企業による地域づくり活動の取組状況を紹介",
        "地域協働体の活動状況に応じて、導入の検討",
    ),
]


def _ichinoseki(vocabulary) -> Plan:
    plan = _plan(
        title="第2次一関市地域協働推進計画",
        issued_by="一関市",
        start_year=ICHINOSEKI_YEARS[0],
        end_year=ICHINOSEKI_YEARS[-1],
        vision="『協働の仕組みが実践される住み良い地域社会を創る』\nすべての人が地域を支え、創る一員として行動することにより「協働の仕組みが実践される住み良い地域社会」を目指します。",
        summary="第１次計画の進捗状況や各地域で開催した住民懇談会での意見や要望、地域協働体へのアンケート調査の結果などを踏まえ、これまでに取り組んできた協働の仕組みづくりをさらに進め、地域協働を推進するために策定するものです。\n基本的な考え方：自立型の地域づくり／補完性の原則",
        vocabulary=vocabulary,
        status=PlanStatus.PUBLISHED,
        published_at=_at(2019, 3, 29),
    )
    policies = [
        _policy(plan, i, number, title, description)
        for i, (number, title, description) in enumerate(ICHINOSEKI_POLICIES, 1)
    ]
    for order, (policy_index, number, title, content, label) in enumerate(ICHINOSEKI_ITEMS, 1):
        schedule = dict.fromkeys(ICHINOSEKI_YEARS, label)
        if number == "事業15":
            schedule[ICHINOSEKI_YEARS[0]] = "調査検討"
        _item(plan, policies[policy_index], order, number, title, content, schedule=schedule)
    return plan


# ---------------------------------------------------------------------------------------
# 盛岡市: 協働のまちづくりの推進 (seed 002)

MORIOKA_PERIODS = ("平成22年度", "平成23年度", "平成24年度上半期")
MORIOKA_POLICIES = ["地域協働の推進", "協働の環境整備", "協働の仕組みづくり", "協働事業の推進"]
# (policy index, title, [(done, status, meetings, participants) per period])
MORIOKA_ITEMS = [
    (
        0,
        "地域協働の仕組みづくり",
        [
            (
                _bullets(
                    "2010年4月に地域協働推進事務局を設置し、地域協働の仕組みづくりを行っている。この仕組みづくりに向け、他都市の先進事例を調査研究するとともに、まちづくり懇談会や意見交換会などを通じて、地域が抱える課題や現在の市の支援制度などについての意見を踏まえ、「盛岡市地域協働推進計画(案)」を作成し、パブリックコメントおよび市民説明会を開催した。これらの意見などを踏まえ、計画の策定を進めた。",
                    "地域と行政の関係を考えるワークショップについては、2010年9月下旬にワークショップ運営団体が決定し、10月から11月にかけて旧盛岡市域6会場で計12回のワークショップを開催し、延べ182人の参加者により、地域課題の抽出や課題の解決策について意見交換を行った。",
                ),
                "achieved",
                12,
                182,
            ),
            (
                _bullets(
                    "2011年4月に「盛岡市地域協働推進計画」を策定し、地域協働の基本的仕組みを定めるとともに、7月にモデル地区を公募し、9月下旬に市内3地区をモデル地区として指定した。",
                    "モデル地区3地区とも、地域づくり組織を設立し、2012年3月までに地域づくり計画を策定した。",
                    "市内27地区のコミュニティ推進地区を対象に地域協働に取り組む意向調査を行い、これに基づき地域の拡大の準備を進めた。",
                ),
                "achieved",
                None,
                None,
            ),
            (
                _bullets(
                    "本年度から新たに地域協働に取り組む地区を募集し、8月中旬に3地区が地域協働実施地区として決定した。",
                    "新たに地域協働に取り組む3地区に対する地域づくり支援員(地域担当職員)を2012年9月に配置した。",
                    "平成23年度に実施したモデル地区での試行結果の調査を行い、制度の改善・充実に向けた検討を進めている。",
                ),
                "not_assessed",
                None,
                None,
            ),
        ],
    ),
    (
        1,
        "NPO、地縁団体、リーダーの育成および支援",
        [
            (
                _bullets(
                    "もりおか市民活動支援室では、町内会などの地域活動団体やNPOなどの市民活動団体を対象とした各種講座や研修会を開催したほか、地域活動団体や市民活動団体の活動状況の情報発信を行い、団体の活動支援と情報交換に努めた。"
                ),
                "achieved",
                None,
                None,
            ),
            (
                _bullets(
                    "もりおか市民活動支援室では、町内会などの地域活動団体やNPOなどの市民活動団体を対象とした各種講座や研修会を開催するほか、地域活動団体や市民活動団体の活動状況の情報発信を行い、団体の活動支援と情報交換に努めた。",
                    "もりおか市民活動支援室が開催した講座に、地域協働のモデル地区の役員の参加を呼び掛けるなど、協働推進のための支援を行った。",
                ),
                "achieved",
                None,
                None,
            ),
            (
                _bullets(
                    "もりおか市民活動支援室では、町内会などの地域活動団体やNPOなどの市民活動団体を対象とした各種講座や情報交換会を開催したほか、定期的にこれらの団体の活動状況に関する情報発信を行った。"
                ),
                "not_assessed",
                None,
                None,
            ),
        ],
    ),
    (
        1,
        "公募型協働推進事業制度の評価および見直し",
        [
            (
                _bullets(
                    "応募要件を市内に事務所を有する団体から、市内で活動実績のある団体に拡大し、募集・選考の結果、2事業が採択され、提案団体と事業担当課の協働により事業を実施した。"
                ),
                "achieved",
                None,
                None,
            ),
            (
                _bullets(
                    "当該事業は5年目を迎えたことから、事業費が少額の場合補助率を拡充する見直しを行い、募集・選考の結果、1事業が採択された。",
                    "地域活動団体や市民活動団体などが主体的に取り組む社会公益活動を支援するため、盛岡市市民協働推進基金を設置し、次年度から当該事業に基金を活用できるよう準備を行った。",
                ),
                "in_progress",
                None,
                None,
            ),
            (
                _bullets(
                    "盛岡市市民協働推進基金を活用して当該事業を実施。補助率を5分の4に拡充したほか、同一テーマでも3回まで応募できるよう応募条件の緩和を行い、募集・選考の結果、4事業が採択された。"
                ),
                "not_assessed",
                None,
                None,
            ),
        ],
    ),
    (
        1,
        "市民活動自立支援事業",
        [
            (
                _bullets(
                    "もりおか市民活動支援室において「NPO、地縁団体、リーダーの育成及び支援」の取り組みに合わせて、市民活動の自立支援につながる事業を実施した。"
                ),
                "achieved",
                None,
                None,
            ),
            (
                _bullets(
                    "もりおか市民活動支援室において町内会などの地域活動団体や市民活動団体などのスキルアップを支援するため、情報提供や講座など市民活動の自立支援につながる事業を実施した。"
                ),
                "achieved",
                None,
                None,
            ),
            (
                _bullets(
                    "もりおか市民活動支援室において町内会などの地域活動団体の運営など支援事業を強化して、地域活動に関する情報交換会や各種講座など市民活動の自立支援につながる事業を実施した。"
                ),
                "not_assessed",
                None,
                None,
            ),
        ],
    ),
    (
        2,
        "公民連携のあり方について検討・方針策定",
        [
            (
                _bullets(
                    "公民連携のあり方について、先行自治体の取り組みや、盛岡市における地域協働に向けた仕組みの構築・NPOとの協働を推進する事業の展開・ワークショップの開催などの現状を踏まえ、検討を行った。"
                ),
                "in_progress",
                None,
                None,
            ),
            (
                _bullets(
                    "公民連携のあり方について、先行自治体の取組やこれまでの民間委託などの実施状況を踏まえ、自治体経営の観点から推進方策の検討を行った。"
                ),
                "not_achieved",
                None,
                None,
            ),
            (
                _bullets(
                    "公と民の担う役割と連携する分野の整理や、公民連携推進の具体的方策、指定管理者制度など公民連携手法の導入の効果検証など、検討を行っている。"
                ),
                "not_assessed",
                None,
                None,
            ),
        ],
    ),
    (
        3,
        "グラウンドワーク、ワークショップなどの呼びかけ・実施",
        [
            (
                "（参加人数は延べ人数）\n"
                + _bullets(
                    "グラウンドワーク:実施件数3件、開催回数10回、延べ参加人数821人",
                    "永井地区(協働作業、ワンデーチャレンジ) 2回、194人",
                    "渋民地区 ワンデーチャレンジ 1回、200人",
                    "Waのまちもりおかリースプロジエクト 7回、427人",
                    "ワークショップ:実施件数 13件、開催回数 39回、延べ参加人数 692人",
                    "(中央公民館)郷土展示資料室の後利用みんなで考えよう 2回、29人",
                    "永井地区公園再整備ワークショップ 4回、89人",
                    "渋民地区街区公園整備ワークショップ 2回、56人",
                    "盛岡南地区街区公園整備ワークショップ 2回、20人",
                    "永井地区公園再整備ワークショップ(2) 2回、57人",
                    "Waのまちもりおかリースプロジェクト 1回、25人",
                    "認知症対策モデル地区打合せ会 4回、96人",
                    "「太田地区地域福祉活動計画」策定打合せ会 2回、23人",
                    "米内地区ケア会議(モデル打合せ) 2回、30人",
                    "(仮称)薮川地区加工・産直施設整備に係るワークショップ 2回、35人",
                    "生出湧水の有効活用推進懇談会 2回、28人",
                    "地域と行政の関係を考えるワークショップ 12回、182人(再掲)",
                    "評価からはじめるまちづくり!2010 2回、44人",
                ),
                "achieved",
                10 + 39,
                821 + 692,
            ),
            (
                _bullets(
                    "グラウンドワーク:実施件数2件、開催回数5回、延べ参加人数121人",
                    "緊急雇用創出事業「森林資源を活用した絆の輪プロジエクト事業」 3回、107人",
                    "高櫓児童公園整備事業 2回、14人",
                    "ワークショップ:実施件数7件、開催回数38回、延べ参加人数5929人",
                    "防災訓練 6回、5000人(うち5回は説明会)",
                    "認知症対策モデル地区打合せ会 1回、6人",
                    "永井地区まちづくりの会 12回、430人",
                    "盛岡地区かわまちづくり事業 2回、50人",
                    "コミュニティ公園整備事業 (盛岡南地区) 4回、89人",
                    "高櫓児童公園整備事業 11回、320人",
                    "評価からはじめるまちづくり!2011 2回、34人",
                ),
                "achieved",
                5 + 38,
                121 + 5929,
            ),
            (
                _bullets(
                    "ワークショップ:実施件数3件、開催回数7回、延べ参加人数90人",
                    "高櫓児童公園再整備事業 1回、19人",
                    "盛岡南3号街区公園整備事業 4回、31人",
                    "岩山公園整備基本整備計画 2回、40人",
                ),
                "not_assessed",
                7,
                90,
            ),
        ],
    ),
    (
        3,
        "民間委託、指定管理者制度などの活用",
        [
            (
                _bullets(
                    "指定管理者の業務の履行状況確認などの制度構築について検討を行い、平成23年度に4~5の施設において試行する予定である。",
                    "2010年4月より新たに2施設が指定管理者制度に移行した。",
                    "民間委託は、学校給食調理およびボイラー業務、可燃ごみ収集車2台、ごみ焼却業務の一部、汚泥処理業務、市立図書館および都南図書館の窓口業務と移動図書館運行業務について実施した。",
                ),
                "achieved",
                None,
                None,
            ),
            (
                _bullets(
                    "公の施設としての管理水準の向上と提供する市民サービスの向上を図ることを目的に、公正かつ客観的視点による第三者評価を8施設を対象に実施した。",
                    "2011年4月に3施設、2012年2月に1施設が新たに指定管理者制度に移行した。",
                    "民間委託は、可燃ごみ収集車2台、米内浄水場(夜間)運転管理業務について実施した。また、盛岡市納税推進センターを設置し、税滞納者催告業務の民間委託を実施した。",
                ),
                "achieved",
                None,
                None,
            ),
            (
                _bullets(
                    "2012年4月に5施設、6月に1施設が新たに指定管理者制度に移行した。",
                    "指定管理者の業務の履行状況確認などについて10施設を対象に試行を実施した。",
                    "民間委託は、可燃ごみ収集車2台の委託を実施した。",
                ),
                "not_assessed",
                None,
                None,
            ),
        ],
    ),
]


def _morioka(vocabulary) -> Plan:
    periods = [parse_period(text) for text in MORIOKA_PERIODS]
    plan = _plan(
        title="協働のまちづくりの推進（盛岡市 実施計画 平成22〜24年度）",
        issued_by="盛岡市",
        start_year=periods[0].fiscal_year,
        end_year=periods[-1].fiscal_year,
        summary="市民や自治会・町内会、NPO、企業といった多様な主体が相互に連携し、効果的な役割分担と協働によりまちづくりを行うシステムへの転換を一層推進します。\nこれにより、地域の豊富な資源を積極的に活かしながら、多様化、高度化する市民ニーズに見合った公共サービスの提供を実現します。",
        vocabulary=vocabulary,
        status=PlanStatus.PUBLISHED,
        published_at=_at(2010, 4, 1),
    )
    policies = [_policy(plan, i, f"({i})", title) for i, title in enumerate(MORIOKA_POLICIES, 1)]
    # Each period's report was accepted and published after the period ended.
    published = {
        periods[0]: _at(2011, 6, 30),
        periods[1]: _at(2012, 6, 29),
        periods[2]: _at(2012, 11, 30),
    }
    for order, (policy_index, title, rows) in enumerate(MORIOKA_ITEMS, 1):
        item = _item(plan, policies[policy_index], order, f"取組{order}", title)
        for period, (done, status, meetings, participants) in zip(periods, rows, strict=True):
            _entry(
                item,
                period,
                done,
                status,
                meetings=meetings,
                participants=participants,
                submitted=published[period],
                reviewed=published[period],
                published=published[period],
            )
    return plan


# ---------------------------------------------------------------------------------------
# 山口市: 協働推進プラン (seed 001)

# 推進方針 of the 平成21–24年度 plan and the 平成24年度 status counts of its items:
# 実施済, 継続推進, 一部実施, 検討中 (the table in 第1章2「これまでの進捗状況」).
YAMAGUCHI_ROLLUP = [
    ("I", "参加しやすく、活動しやすい環境づくりを進めます", (6, 8, 2, 0)),
    ("II", "情報の共有化により、活動の活性化を図ります", (1, 11, 0, 3)),
    ("III", "人づくりを通じて、協働の意識醸成を図ります", (0, 4, 0, 0)),
    ("IV", "市政への参画と協働の実践を進めます", (1, 5, 0, 0)),
    ("V", "協働推進体制を整備するとともに、市職員の意識改革を行います", (0, 5, 0, 1)),
]
YAMAGUCHI_POLICIES = [
    (
        "Ⅰ",
        "参加しやすく、活動しやすい環境づくりを進めます",
        "地域のことは地域で解決できるまちづくりを目指すとともに、市民が主体となれる参加しやすい、活動しやすい環境づくりを進めます。",
        [
            "活動（交流）拠点機能の充実",
            "活動の活性化、自主・自立のための活動支援",
            "資金確保支援機能の充実",
            "評価検証機能の充実",
            "中間支援機能（相談・コーディネート機能）の充実",
            "市政への参画の仕組みづくり",
        ],
    ),
    (
        "Ⅱ",
        "情報の共有化により、活動の活性化を図ります",
        "市民と行政は様々なまちづくりの情報を提供したり、受け取る機会を確保し、相互に必要な情報を共有することにより、様々な活動の活性化を図ります。",
        [
            "協働によるまちづくりの考え方の発信機能の充実",
            "まちづくり情報の提供・発信機能の充実",
            "行政情報の提供・発信機能の充実",
            "調査・研究機能の充実",
            "ネットワーク支援機能の充実",
        ],
    ),
    (
        "Ⅲ",
        "人づくりを通じて、協働の意識醸成を図ります",
        "様々な場面で新たな公共領域を支える人材を発掘・育成していきます。",
        ["人材発掘機能の充実", "人材育成・支援機能の充実"],
    ),
    (
        "Ⅳ",
        "協働推進体制を整備するとともに、市職員の意識改革を行います",
        "行政の協働推進体制の整備を図ります。職員研修等を通じて市職員の意識改革を図ります。",
        ["庁内の協働推進体制の整備", "市職員の協働意識の向上", "市職員のまちづくりへの参加促進"],
    ),
]
# (name, baseline H18, actual H23, target H24, target H29, source)
YAMAGUCHI_INDICATORS = [
    ("地域活動に参加している市民の割合", "37.5", "37.2", "45.0", "50.0", "市民アンケート"),
    ("市民活動を行っている市民の割合", "10.8", "11.6", "13.0", "15.0", "市民アンケート"),
    (
        "まちづくりや市民参画の活動に参加している市民の割合",
        "18.8",
        "22.1",
        "23.0",
        "30.0",
        "市民アンケート",
    ),
    (
        "市政に市民の声が反映されていると思う市民の割合",
        "26.0",
        "29.3",
        "30.0",
        "35.0",
        "市民アンケート",
    ),
    ("協働ということを説明できる職員の割合", "26.0", "88.5", "100", "100", "職員アンケート"),
]


def _yamaguchi(vocabulary) -> tuple[Plan, Plan]:
    first = _plan(
        title="山口市協働推進プラン",
        issued_by="山口市",
        start_year=parse_fiscal_year("平成21年度"),
        end_year=parse_fiscal_year("平成24年度"),
        summary="協働のまちづくり条例の理念である「市民の参加と協働によるまちづくり」を着実に進めるための指針（ガイドライン）となる総合的な計画。平成21年度から47の推進項目に取り組みました。",
        vocabulary=vocabulary,
        status=PlanStatus.SUPERSEDED,
        published_at=_at(2009, 4, 1),
    )
    statuses = [code for code, _label, _assessed in YAMAGUCHI_STATUSES]
    at = _at(2013, 3, 29)
    order = 0
    for index, (number, title, counts) in enumerate(YAMAGUCHI_ROLLUP, 1):
        policy = _policy(first, index, number, title)
        position = 0
        for status, count in zip(statuses, counts, strict=True):
            for _ in range(count):
                position += 1
                order += 1
                item = _item(
                    first,
                    policy,
                    order,
                    f"{number}-{position}",
                    f"推進方針{number}の推進項目{position}",
                    "個々の推進項目名と取り扱いはプランの別表（P53〜）に整理されています（このデモには未収録）。",
                )
                _entry(
                    item,
                    Period(2012),
                    "平成21年度から平成24年度までの推進状況（協働推進プラン 第1章2「これまでの進捗状況」）。",
                    status,
                    submitted=at,
                    reviewed=at,
                    published=at,
                )

    second = _plan(
        title="山口市協働推進プラン",
        version=2,
        issued_by="山口市",
        start_year=parse_fiscal_year("平成25年度"),
        end_year=parse_fiscal_year("平成29年度"),
        vision="『個性豊かで 活力のある 自立した 地域社会』\n市民の皆さんや事業者、教育機関、行政等、様々なまちづくりの主体が参画し、連携・協力して、社会課題や地域課題の解決を主体的かつ継続的に行う「協働によるまちづくり」を推進することにより、①「住民自治の促進」②「地域力の向上」③「地域内での連携・協力の強化」が図られる地域社会を目指します。",
        summary="協働によるまちづくりの基本的なルールを定めた「協働のまちづくり条例」の理念を着実に進めるための指針となる総合的な計画。山口市市民活動推進支援基本方針（平成19年3月策定）を引き継ぎます。",
        vocabulary=vocabulary,
        status=PlanStatus.PUBLISHED,
        published_at=_at(2013, 4, 1),
        revision_of=first,
        revision_note="これまで実施してきた各推進項目について、内容の見直しや項目整理を行い、平成25年度以降の推進項目（実行計画）を決定しました。推進方針をⅠ～Ⅳの4つに整理しています。",
    )
    PlanTransition.objects.get_or_create(
        plan=first,
        action=PlanAction.SUPERSEDE,
        defaults={
            "from_status": PlanStatus.PUBLISHED,
            "to_status": PlanStatus.SUPERSEDED,
            "at": second.published_at,
            "comment": "第2版の公開による",
        },
    )
    order = 0
    for index, (number, title, description, measures) in enumerate(YAMAGUCHI_POLICIES, 1):
        policy = _policy(second, index, number, title, description)
        for position, measure in enumerate(measures, 1):
            order += 1
            _item(second, policy, order, f"{number}-({position})", measure, "推進施策")
    baseline, actual = parse_fiscal_year("平成18年度"), parse_fiscal_year("平成23年度")
    targets = (parse_fiscal_year("平成24年度"), parse_fiscal_year("平成29年度"))
    for position, (name, base, now, target1, target2, source) in enumerate(YAMAGUCHI_INDICATORS, 1):
        indicator, created = Indicator.objects.get_or_create(
            plan=second,
            name=name,
            defaults={
                "order": position,
                "unit": "%",
                "baseline_year": baseline,
                "baseline_value": Decimal(base),
                "decimal_places": 1,
                "source": source,
            },
        )
        if created:
            IndicatorValue.objects.bulk_create(
                [
                    IndicatorValue(
                        indicator=indicator,
                        fiscal_year=actual,
                        kind=ValueKind.ACTUAL,
                        value=Decimal(now),
                    ),
                    IndicatorValue(
                        indicator=indicator,
                        fiscal_year=targets[0],
                        kind=ValueKind.TARGET,
                        value=Decimal(target1),
                    ),
                    IndicatorValue(
                        indicator=indicator,
                        fiscal_year=targets[1],
                        kind=ValueKind.TARGET,
                        value=Decimal(target2),
                    ),
                ]
            )
    return first, second


# ---------------------------------------------------------------------------------------
# Community plans of demo councils (illustrative; see the module docstring)

SEED_ISSUES = {
    "交通・空き家": ("生活環境の改善", "公共交通の充実、空き家・空き店舗対策"),
    "高齢者": ("高齢者対策", "ごみ捨て・除雪等の支援、買い物困難者への支援"),
    "若者": ("人口減少への対応及び若者の事業参画", "住民の意識啓発への取組等"),
    "コミュニティ": ("地域コミュニティの再生", ""),
    "産業": ("特産品開発等の産業振興", ""),
}


def _community_plan(
    council,
    *,
    version,
    start,
    end,
    status,
    published_at,
    vision,
    issues,
    policies,
    items,
    revision_of=None,
    note="",
):
    plan = _plan(
        title=f"{council.name} 地域づくり計画",
        version=version,
        council=council,
        issued_by=council.name,
        start_year=start,
        end_year=end,
        vision=vision,
        vocabulary=StatusVocabulary.objects.get(is_default=True),
        status=status,
        published_at=published_at,
        revision_of=revision_of,
        revision_note=note,
    )
    for order, key in enumerate(issues, 1):
        title, description = SEED_ISSUES[key]
        LocalIssue.objects.get_or_create(
            plan=plan, order=order, defaults={"title": title, "description": description}
        )
    made = [_policy(plan, i, number, title) for i, (number, title) in enumerate(policies, 1)]
    result = {}
    for order, (policy_index, number, title, content, roles, label) in enumerate(items, 1):
        result[number] = _item(
            plan,
            made[policy_index],
            order,
            number,
            title,
            content,
            schedule=dict.fromkeys(range(start, end + 1), label),
            roles=roles,
        )
    return plan, result


YAMANOME_POLICIES = [
    ("⑴", "安心・安全に暮らせる地域づくり"),
    ("⑵", "人が集い交流する地域づくり"),
    ("⑶", "次世代の担い手づくり"),
]
YAMANOME_ITEMS = [
    (
        0,
        "事業1",
        "高齢者世帯の見守り",
        "一人暮らし・高齢者のみの世帯を自治会の班ごとに訪問し、声かけと安否確認を行う。",
        [
            (Actor.COUNCIL, "", "見守り活動の計画・協力員の名簿整備、研修会の開催"),
            (Actor.NEIGHBOURHOOD, "山目地区自治会連合会", "班ごとの声かけ・訪問"),
            (Actor.CITY, "", "地域包括支援センターとの連携、個人情報の取扱いの助言"),
            (Actor.CIVIC_CENTRE, "山目市民センター", "協力員の集まりの場の提供"),
        ],
        "実施",
    ),
    (
        0,
        "事業2",
        "防犯・環境パトロール",
        "通学路と集落内を定期的に巡回し、危険箇所を市に報告する。",
        [
            (Actor.NEIGHBOURHOOD, "", "パトロールの実施"),
            (Actor.COUNCIL, "", "年間計画・ボランティア保険の手配、危険箇所のとりまとめ"),
            (Actor.CITY, "", "報告された危険箇所の確認と対応（防犯灯・道路補修）"),
        ],
        "実施",
    ),
    (
        0,
        "事業3",
        "買い物支援（買物代行・移動販売の誘致）",
        "買い物が困難な世帯のため、移動販売の巡回を誘致し、買物代行を試行する。",
        [
            (Actor.COUNCIL, "", "利用希望の調査、巡回ルートの調整"),
            (Actor.COMPANY, "地元スーパー", "移動販売車の巡回"),
            (Actor.CITY, "", "公共交通・デマンド交通の情報提供"),
        ],
        "実施",
    ),
    (
        1,
        "事業4",
        "高齢者サロン・子育てサロン",
        "市民センターを会場に、高齢者と子育て世代それぞれの交流の場を月1回開く。",
        [
            (Actor.COUNCIL, "", "企画・運営"),
            (Actor.NPO, "NPO法人山目まちづくりネット", "運営の協力・講師の紹介"),
            (Actor.CIVIC_CENTRE, "山目市民センター", "会場の提供"),
        ],
        "実施",
    ),
    (
        1,
        "事業5",
        "山目夏まつり・地区文化祭",
        "世代を超えて地域の人が集う行事として、夏まつりと文化祭を開催する。",
        [
            (Actor.COUNCIL, "", "実行委員会の事務局"),
            (Actor.NEIGHBOURHOOD, "", "会場設営・出店"),
            (Actor.COMPANY, "地元事業所", "協賛"),
            (Actor.CITIZENS, "", "参加・ボランティア"),
        ],
        "実施",
    ),
    (
        2,
        "事業6",
        "地域づくり研修会・若者ワークショップ",
        "若い世代が地域の将来を話し合うワークショップと、役員向けの研修会を開く。",
        [
            (Actor.COUNCIL, "", "企画・参加者の募集"),
            (Actor.NPO, "いちのせき市民活動センター", "ファシリテーターの派遣"),
            (Actor.CITY, "", "地域担当職員の参加、市政情報の提供"),
        ],
        "実施",
    ),
]

FUJISAWA_POLICIES = [
    ("⑴", "地域資源を生かした活力づくり"),
    ("⑵", "支え合う地域づくり"),
    ("⑶", "市民センターを拠点とした学びと交流"),
]
FUJISAWA_ITEMS = [
    (
        0,
        "事業1",
        "特産品の開発と販売",
        "地域の農産物の加工品を開発し、共同店舗と地域のイベントで販売する。",
        [
            (Actor.COUNCIL, "", "開発の企画・販売の調整"),
            (Actor.COMPANY, "藤沢町産直組合", "加工・販売"),
            (Actor.CITY, "", "国・県の補助制度の情報提供"),
        ],
        "実施",
    ),
    (
        0,
        "事業2",
        "都市と農村の交流事業（体験学習の受入）",
        "農業体験・郷土料理体験の受入れを通じて、地域外の人との交流を広げる。",
        [
            (Actor.COUNCIL, "", "受入れの窓口・プログラムの企画"),
            (Actor.NEIGHBOURHOOD, "", "体験先の農家の紹介"),
        ],
        "実施",
    ),
    (
        1,
        "事業3",
        "高齢者世帯の見守りと除雪支援",
        "冬期の除雪が困難な高齢者世帯を登録し、地域の協力員が除雪を手伝う。",
        [
            (Actor.COUNCIL, "", "対象世帯と協力員の登録・調整"),
            (Actor.NEIGHBOURHOOD, "", "除雪の実施"),
            (Actor.CITY, "", "除雪機械の貸与"),
        ],
        "実施",
    ),
    (
        2,
        "事業4",
        "藤沢市民センターの管理運営（指定管理）",
        "指定管理者として市民センターを管理運営し、生涯学習と地域づくりの拠点とする。",
        [
            (Actor.COUNCIL, "", "施設の管理運営・事業の実施"),
            (Actor.CITY, "", "管理運営費用の負担、社会教育事業への助言"),
            (Actor.CIVIC_CENTRE, "藤沢市民センター", "講座・行事の会場"),
        ],
        "実施",
    ),
    (
        2,
        "事業5",
        "子どもフェスタ",
        "地域の子どもと大人が一緒に楽しむ体験型の行事を開く。",
        [
            (Actor.COUNCIL, "", "企画・運営"),
            (Actor.OTHER, "藤沢小学校PTA", "運営の協力"),
        ],
        "実施",
    ),
]


def _yamanome():
    council = Council.objects.get(name="山目地域協働体")
    first, items_v1 = _community_plan(
        council,
        version=1,
        start=2016,
        end=2023,
        status=PlanStatus.SUPERSEDED,
        published_at=_at(2016, 4, 1),
        vision="人がつながり、安心して住み続けられる山目",
        issues=["高齢者", "コミュニティ", "若者"],
        policies=YAMANOME_POLICIES[:2],
        items=[row for row in YAMANOME_ITEMS if row[0] < 2 and row[1] != "事業3"],
    )
    _entry(
        items_v1["事業1"],
        Period(2023),
        "協力員42人で一人暮らし高齢者世帯を毎月訪問した。",
        "achieved",
        meetings=12,
        participants=504,
        comment="計画どおり実施されています。",
        submitted=_at(2024, 4, 22),
        reviewed=_at(2024, 5, 10),
        published=_at(2024, 5, 31),
    )
    second, items = _community_plan(
        council,
        version=2,
        start=2024,
        end=2028,
        status=PlanStatus.PUBLISHED,
        published_at=_at(2024, 4, 1),
        vision="人がつながり、安心して住み続けられる山目\n〜世代を超えて支え合い、次の世代に引き継ぐ地域〜",
        issues=["高齢者", "交通・空き家", "コミュニティ", "若者"],
        policies=YAMANOME_POLICIES,
        items=YAMANOME_ITEMS,
        revision_of=first,
        note="住民アンケートと住民懇談会の結果を踏まえ、買い物支援と若者の参画を加えました。",
    )
    PlanTransition.objects.get_or_create(
        plan=first,
        action=PlanAction.SUPERSEDE,
        defaults={
            "from_status": PlanStatus.PUBLISHED,
            "to_status": PlanStatus.SUPERSEDED,
            "at": second.published_at,
            "comment": "第2版の公開による",
        },
    )
    # 令和6年度: accepted and published.
    accepted_2024 = [
        (
            "事業1",
            "協力員45人で一人暮らし高齢者世帯を毎月訪問した。訪問を機に2件を地域包括支援センターにつないだ。",
            "achieved",
            12,
            540,
        ),
        (
            "事業2",
            "通学路を中心に月2回パトロールを行い、危険箇所6件を市に報告した（うち4件は補修済み）。",
            "achieved",
            24,
            288,
        ),
        (
            "事業3",
            "移動販売の巡回を週1回誘致した。買物代行は担い手の確保ができず試行に至らなかった。",
            "in_progress",
            None,
            None,
        ),
        ("事業4", "高齢者サロンを12回、子育てサロンを10回開催した。", "achieved", 22, 610),
        ("事業5", "夏まつりと地区文化祭を開催した。", "achieved", 2, 1850),
        (
            "事業6",
            "若者ワークショップを2回開催し、20〜30代の参加者が地域の将来像を話し合った。",
            "achieved",
            2,
            38,
        ),
    ]
    for number, done, status, meetings, participants in accepted_2024:
        _entry(
            items[number],
            Period(2024),
            done,
            status,
            meetings=meetings,
            participants=participants,
            comment="年度の取組を確認しました。"
            if status == "achieved"
            else "買物代行の担い手について、市民活動センターと相談してください。",
            submitted=_at(2025, 4, 18),
            reviewed=_at(2025, 5, 9),
            published=_at(2025, 5, 30),
        )
    # 令和7年度: two waiting for review, one returned, the rest still drafts.
    _entry(
        items["事業1"],
        Period(2025),
        "協力員48人で毎月訪問した。新たに協力員研修会を1回開いた。",
        "achieved",
        state=ReviewState.SUBMITTED,
        meetings=13,
        participants=590,
        submitted=_at(2026, 4, 20),
    )
    _entry(
        items["事業4"],
        Period(2025),
        "高齢者サロンを12回、子育てサロンを11回開催した。",
        "achieved",
        state=ReviewState.SUBMITTED,
        meetings=23,
        participants=642,
        submitted=_at(2026, 4, 20),
    )
    _entry(
        items["事業3"],
        Period(2025),
        "移動販売の巡回を継続した。",
        "in_progress",
        state=ReviewState.RETURNED,
        reason="買物代行の試行の状況（実施の有無と理由）も記載してください。",
        submitted=_at(2026, 4, 20),
        reviewed=_at(2026, 5, 8),
    )
    _entry(
        items["事業2"],
        Period(2025),
        "通学路を中心に月2回パトロールを行った。",
        "achieved",
        state=ReviewState.DRAFT,
        meetings=24,
    )
    # 令和8年度上半期: one draft begun.
    _entry(
        items["事業5"],
        Period(2026, FIRST_HALF),
        "夏まつりを8月に開催した。",
        "in_progress",
        state=ReviewState.DRAFT,
        meetings=1,
        participants=1200,
    )
    return second


def _fujisawa():
    council = Council.objects.get(name="藤沢地域協働体")
    plan, items = _community_plan(
        council,
        version=1,
        start=2022,
        end=2026,
        status=PlanStatus.PUBLISHED,
        published_at=_at(2022, 4, 1),
        vision="ふるさとの資源を生かし、誰もが役割を持って暮らせる藤沢",
        issues=["若者", "産業", "高齢者", "コミュニティ"],
        policies=FUJISAWA_POLICIES,
        items=FUJISAWA_ITEMS,
    )
    rows = {
        2024: [
            (
                "事業1",
                "郷土菓子の加工品を1品開発し、産直と秋のイベントで販売した。",
                "achieved",
                None,
                None,
            ),
            ("事業2", "首都圏の中学校の農業体験を2校受け入れた。", "achieved", 2, 146),
            (
                "事業3",
                "除雪支援の対象を18世帯登録し、協力員22人で延べ35回除雪した。",
                "achieved",
                35,
                22,
            ),
            (
                "事業4",
                "指定管理者として市民センターを運営し、講座を24回開催した。",
                "achieved",
                24,
                415,
            ),
            ("事業5", "子どもフェスタを開催した。", "achieved", 1, 230),
        ],
        2025: [
            (
                "事業1",
                "加工品の販路拡大のため、市内の道の駅での委託販売を始めた。",
                "achieved",
                None,
                None,
            ),
            ("事業2", "農業体験を3校受け入れた。", "achieved", 3, 201),
            (
                "事業3",
                "除雪支援の対象を21世帯に拡大した。協力員の高齢化が課題。",
                "in_progress",
                41,
                24,
            ),
            ("事業4", "講座を26回開催した。", "achieved", 26, 452),
            ("事業5", "子どもフェスタを開催した。", "achieved", 1, 245),
        ],
    }
    for year, entries in rows.items():
        for number, done, status, meetings, participants in entries:
            _entry(
                items[number],
                Period(year),
                done,
                status,
                meetings=meetings,
                participants=participants,
                comment="地域の特性を生かした取組が着実に進んでいます。",
                submitted=_at(year + 1, 4, 15),
                reviewed=_at(year + 1, 5, 7),
                published=_at(year + 1, 5, 29),
            )
    _entry(
        items["事業2"],
        Period(2026, FIRST_HALF),
        "農業体験を1校受け入れた（秋にもう1校の予定）。",
        "in_progress",
        state=ReviewState.DRAFT,
        meetings=1,
        participants=72,
    )
    return plan


def _takozu():
    council = Council.objects.get(name="田河津地域協働体")
    plan, _items = _community_plan(
        council,
        version=1,
        start=2027,
        end=2031,
        status=PlanStatus.DRAFT,
        published_at=None,
        vision="みんなで話し合い、みんなで支える田河津",
        issues=["高齢者", "コミュニティ"],
        policies=[("⑴", "支え合いの仕組みづくり")],
        items=[
            (
                0,
                "事業1",
                "地域の話し合いの場（円卓会議）",
                "自治会・各種団体の代表が集まり、地域の課題を話し合う場を年4回設ける。",
                [(Actor.COUNCIL, "", "会議の運営"), (Actor.CITY, "", "地域担当職員の参加")],
                "実施",
            )
        ],
    )
    return plan


def load(stdout=None) -> None:
    morioka = _vocabulary(
        MORIOKA_VOCABULARY,
        "盛岡市の実施計画の達成状況（「-」は年度途中で未評価）。一関市のデモでは地域づくり計画の既定の区分としても使います。",
        MORIOKA_STATUSES,
        is_default=True,
    )
    yamaguchi = _vocabulary(
        YAMAGUCHI_VOCABULARY, "山口市協働推進プランの推進状況。", YAMAGUCHI_STATUSES
    )
    _ichinoseki(morioka)
    _morioka(morioka)
    _yamaguchi(yamaguchi)
    _yamanome()
    _fujisawa()
    _takozu()
    if stdout:
        stdout.write(
            f"  計画 {Plan.objects.count()}（公開中 {Plan.objects.filter(status=PlanStatus.PUBLISHED).count()}）、"
            f"事業 {PlanItem.objects.count()}、進捗 {ProgressEntry.objects.count()}"
            f"（審査待ち {ProgressEntry.objects.filter(state=ReviewState.SUBMITTED).count()}）、"
            f"数値目標 {Indicator.objects.count()}"
        )
