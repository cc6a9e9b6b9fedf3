"""Labels of the plan-check lab (kit.plans.check, kit.present.views.plancheck)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    # --- plan check (kit.plans.check, kit.present.views.plancheck) ---------------------------------------
    "plancheck.title": {
        "sv": "Planenlighet – förslag prövade mot digital detaljplan",
        "en": "Plan compliance – proposals checked against a digital detailed plan",
    },
    "plancheck.dataset": {"sv": "Plan och förslag", "en": "Plan and proposals"},
    "plancheck.bundled": {"sv": "Exempel: {name}", "en": "Sample: {name}"},
    "plancheck.upload": {"sv": "Ladda upp förslag (GeoJSON)", "en": "Upload proposals (GeoJSON)"},
    "plancheck.filter": {"sv": "Förslag", "en": "Proposal"},
    "plancheck.tolerance": {"sv": "Tolerans (m)", "en": "Tolerance (m)"},
    "plancheck.plan": {"sv": "Plan", "en": "Plan"},
    "plancheck.attribution": {
        "sv": "Källa för bestämmelserna: Boverket, Planbestämmelsekatalogen (utgåva 20251201, publicerad 2025-12-01)",
        "en": "Source of the regulations: Boverket, Planbestämmelsekatalogen (release 20251201, published 2025-12-01)",
    },
    "plancheck.synthetic": {
        "sv": "Syntetisk exempelplan och syntetiska förslag – inga verkliga fastigheter.",
        "en": "Synthetic sample plan and proposals – no real properties.",
    },
    "plancheck.export_csv": {"sv": "Ladda ner resultat (CSV)", "en": "Download results (CSV)"},
    "plancheck.export_xlsx": {"sv": "Ladda ner resultat (Excel)", "en": "Download results (Excel)"},
    "plancheck.summary": {"sv": "Sammanställning per förslag", "en": "Summary per proposal"},
    "plancheck.details": {"sv": "Alla kontroller", "en": "All checks"},
    "plancheck.error": {
        "sv": "Filen {name} kunde inte prövas: {error} Panelen visar fortfarande de tidigare uppgifterna.",
        "en": "The file {name} could not be checked: {error} The dashboard still shows the data from before.",
    },
    "plancheck.err.where": {
        "sv": " (objekt nr {n} i filen)",
        "en": " (object no. {n} in the file)",
    },
    "plancheck.err.not_json": {
        "sv": "den är inte giltig JSON.",
        "en": "it is not valid JSON.",
    },
    "plancheck.err.unreadable": {"sv": "den gick inte att läsa.", "en": "it could not be read."},
    "plancheck.err.not_geojson": {
        "sv": "en GeoJSON-fil (FeatureCollection med features) förväntades.",
        "en": "a GeoJSON file (a FeatureCollection with features) was expected.",
    },
    "plancheck.err.not_feature": {
        "sv": "ett objekt är inte ett GeoJSON-Feature.",
        "en": "an object is not a GeoJSON Feature.",
    },
    "plancheck.err.no_proposal_id": {
        "sv": "ett objekt saknar egenskapen proposal_id (förslagets id).",
        "en": "an object lacks the property proposal_id (the proposal's id).",
    },
    "plancheck.err.role": {
        "sv": "egenskapen role ska vara 'fastighet' eller 'byggnad'.",
        "en": "the property role must be 'fastighet' or 'byggnad'.",
    },
    "plancheck.err.not_polygon": {
        "sv": "fastigheter och byggnader ska vara polygoner.",
        "en": "properties and buildings must be polygons.",
    },
    "plancheck.err.no_geometry": {
        "sv": "ett objekt saknar geometri eller har en trasig geometri.",
        "en": "an object has no geometry or a broken one.",
    },
    "plancheck.err.invalid_geometry": {
        "sv": "en geometri är ogiltig (korsar sig själv).",
        "en": "a geometry is invalid (it crosses itself).",
    },
    "plancheck.err.crs": {
        "sv": "filens koordinatsystem skiljer sig från planens; projicera om förslagen till planens system.",
        "en": "the file's coordinate system differs from the plan's; reproject the proposals to the plan's system.",
    },
    "plancheck.err.number": {
        "sv": "ett mått är inte ett tal i meter (t.ex. 8,5).",
        "en": "a measure is not a number of metres (e.g. 8.5).",
    },
    "plancheck.err.plan": {
        "sv": "planen är inte en fullständig Detaljplan 4.1-leverans.",
        "en": "the plan is not a complete Detaljplan 4.1 delivery.",
    },
    "plancheck.err.other": {
        "sv": "den har inte den form som förväntas (se datasets/README.md).",
        "en": "it does not have the expected form (see datasets/README.md).",
    },
    "plancheck.far.other_plan": {
        "sv": "Förslagen ligger {km} km från den valda planen. De hör troligen till exempelplanen för {name}: välj den under ”Plan och förslag”.",
        "en": "The proposals lie {km} km from the selected plan. They probably belong to the sample plan of {name}: choose it under “Plan and proposals”.",
    },
    "plancheck.far.unknown": {
        "sv": "Förslagen ligger {km} km från den valda planen och nära ingen av exempelplanerna.",
        "en": "The proposals lie {km} km from the selected plan and near none of the sample plans.",
    },
    "plancheck.far.not_sweref": {
        "sv": "Förslagens koordinater ligger utanför Sverige i SWEREF 99 TM (EPSG:3006): de är troligen i ett annat koordinatsystem (t.ex. WGS 84 eller en lokal zon).",
        "en": "The proposals' coordinates fall outside Sweden in SWEREF 99 TM (EPSG:3006): they are probably in another coordinate system (e.g. WGS 84 or a local zone).",
    },
    "plancheck.source_sample": {
        "sv": "syntetisk exempelplan och syntetiska förslag i {path}",
        "en": "synthetic sample plan and proposals in {path}",
    },
    "plancheck.source_own": {"sv": "egen plan och egna förslag", "en": "own plan and proposals"},
    "plancheck.source_upload": {"sv": "uppladdad fil {name}", "en": "uploaded file {name}"},
    "plancheck.use.B": {"sv": "bostäder", "en": "housing"},
    "plancheck.use.C": {"sv": "centrum", "en": "centre (shops, services)"},
    "plancheck.use.K": {"sv": "kontor", "en": "offices"},
    "plancheck.legend.use": {"sv": "Användning", "en": "Land use"},
    "plancheck.legend.prickmark": {
        "sv": "Prickmark – marken får inte förses med byggnad",
        "en": "Prickmark – no buildings",
    },
    "plancheck.legend.plan": {"sv": "Planområde", "en": "Plan area"},
    "plancheck.legend.other": {"sv": "Egenskapsbestämmelse", "en": "Property regulation"},
    "plancheck.kpi.n_proposals": {"sv": "Prövade förslag", "en": "Proposals checked"},
    "plancheck.kpi.share_pass": {"sv": "Andel godkända", "en": "Share passed"},
    "plancheck.kpi.share_fail": {"sv": "Andel med avvikelse", "en": "Share failed"},
    "plancheck.kpi.share_manual": {
        "sv": "Andel till manuell prövning",
        "en": "Share for manual review",
    },
    "plancheck.kpi.share_auto_decided": {
        "sv": "Andel avgjorda automatiskt",
        "en": "Share decided automatically",
    },
    "plancheck.col.proposal": {"sv": "Förslag", "en": "Proposal"},
    "plancheck.col.verdict": {"sv": "Utfall", "en": "Verdict"},
    "plancheck.col.building": {"sv": "Byggnad", "en": "Building"},
    "plancheck.col.rule": {"sv": "Kontroll", "en": "Check"},
    "plancheck.col.status": {"sv": "Resultat", "en": "Result"},
    "plancheck.col.measured": {"sv": "Uppmätt", "en": "Measured"},
    "plancheck.col.allowed": {"sv": "Tillåtet", "en": "Allowed"},
    "plancheck.col.unit": {"sv": "Enhet", "en": "Unit"},
    "plancheck.col.message": {"sv": "Förklaring", "en": "Explanation"},
    "plancheck.col.n_checks": {"sv": "Kontroller", "en": "Checks"},
    "plancheck.status.pass": {"sv": "Godkänd", "en": "Pass"},
    "plancheck.status.fail": {"sv": "Avvikelse", "en": "Fail"},
    "plancheck.status.manual": {"sv": "Manuell prövning", "en": "Manual review"},
    "plancheck.rule.land_use": {"sv": "Användning", "en": "Land use"},
    "plancheck.rule.prickmark": {"sv": "Prickmark", "en": "No-build area (prickmark)"},
    "plancheck.rule.max_building_area_pct": {
        "sv": "Största byggnadsarea (%)",
        "en": "Maximum building area (%)",
    },
    "plancheck.rule.max_building_area_m2": {
        "sv": "Största byggnadsarea (m²)",
        "en": "Maximum building area (m²)",
    },
    "plancheck.rule.max_ridge_height": {"sv": "Högsta nockhöjd", "en": "Maximum ridge height"},
    "plancheck.rule.max_total_height": {"sv": "Högsta totalhöjd", "en": "Maximum total height"},
    "plancheck.rule.min_ridge_height": {"sv": "Lägsta nockhöjd", "en": "Minimum ridge height"},
    "plancheck.rule.min_total_height": {"sv": "Lägsta totalhöjd", "en": "Minimum total height"},
    "plancheck.rule.min_plot_size": {"sv": "Minsta fastighetsstorlek", "en": "Minimum plot size"},
    "plancheck.rule.max_plot_size": {"sv": "Största fastighetsstorlek", "en": "Maximum plot size"},
    "plancheck.rule.outside_plan": {"sv": "Utanför planområdet", "en": "Outside the plan area"},
    "plancheck.rule.outside_property": {
        "sv": "Utanför fastigheten",
        "en": "Outside the property",
    },
    "plancheck.rule.unknown_regulation": {
        "sv": "Ej tolkad bestämmelse",
        "en": "Regulation not interpreted",
    },
    "plancheck.rule.no_checks": {"sv": "Inget att pröva", "en": "Nothing to check"},
    "plancheck.what.nockhojd": {"sv": "nockhöjd", "en": "ridge height"},
    "plancheck.what.totalhojd": {"sv": "totalhöjd", "en": "total height"},
    "plancheck.what.building_area": {
        "sv": "byggnadsarea inom egenskapsområdet",
        "en": "building area within the regulated area",
    },
    "plancheck.what.building_area_pct": {
        "sv": "byggnadsarea i procent av fastighetsarean inom egenskapsområdet",
        "en": "building area as a share of the property area within the regulated area",
    },
    "plancheck.what.plot_area": {"sv": "fastighetsarea", "en": "property area"},
    "plancheck.quote": {"sv": "”{text}”", "en": "“{text}”"},
    "plancheck.subject.building": {"sv": "Byggnad {id}", "en": "Building {id}"},
    "plancheck.subject.proposal": {"sv": "Förslag {id}", "en": "Proposal {id}"},
    "plancheck.subject.part": {
        "sv": "Byggnad {id}, del {part} av {parts}",
        "en": "Building {id}, part {part} of {parts}",
    },
    "plancheck.part": {"sv": "{id}, del {part}", "en": "{id}, part {part}"},
    "plancheck.msg.limit_ok": {
        "sv": "{subject}: {what} {measured} {unit} uppfyller {quote}.",
        "en": "{subject}: {what} {measured} {unit} complies with {quote}.",
    },
    "plancheck.msg.limit_max_fail": {
        "sv": "{subject}: {what} {measured} {unit} överskrider {allowed} {unit} enligt {quote}.",
        "en": "{subject}: {what} {measured} {unit} exceeds {allowed} {unit} under {quote}.",
    },
    "plancheck.msg.limit_min_fail": {
        "sv": "{subject}: {what} {measured} {unit} understiger {allowed} {unit} enligt {quote}.",
        "en": "{subject}: {what} {measured} {unit} is below {allowed} {unit} under {quote}.",
    },
    "plancheck.msg.value_missing": {
        "sv": "{subject}: förslaget anger ingen {what}, men planen reglerar den: {quote}. Pröva manuellt.",
        "en": "{subject}: the proposal gives no {what}, but the plan regulates it: {quote}. Review manually.",
    },
    "plancheck.msg.use_ok": {
        "sv": "{subject}: användning {measured} medges enligt {quote}.",
        "en": "{subject}: use {measured} is allowed by {quote}.",
    },
    "plancheck.msg.use_fail": {
        "sv": "{subject}: användning {measured} medges inte; planen anger {quote} (tillåtet: {allowed}).",
        "en": "{subject}: use {measured} is not allowed; the plan says {quote} (allowed: {allowed}).",
    },
    "plancheck.msg.use_missing": {
        "sv": "{subject}: förslaget anger ingen användning; planen anger {quote}. Pröva manuellt.",
        "en": "{subject}: the proposal gives no use; the plan says {quote}. Review manually.",
    },
    "plancheck.msg.use_unknown": {
        "sv": "{subject}: användning {measured} kan inte prövas automatiskt mot {quote}. Pröva manuellt.",
        "en": "{subject}: use {measured} cannot be checked automatically against {quote}. Review manually.",
    },
    "plancheck.msg.use_none": {
        "sv": "{subject}: ingen användningsbestämmelse hittades där byggnaden står. Pröva manuellt.",
        "en": "{subject}: no land-use regulation found where the building stands. Review manually.",
    },
    "plancheck.msg.prickmark_ok": {
        "sv": "{subject}: står inte på mark där {quote}.",
        "en": "{subject}: does not stand on land where {quote}.",
    },
    "plancheck.msg.prickmark_edge": {
        "sv": "{subject}: överlappar prickmarken med {measured} m², men inte mer än toleransen {tolerance} m – {quote}.",
        "en": "{subject}: overlaps the prickmark by {measured} m², but not beyond the {tolerance} m tolerance – {quote}.",
    },
    "plancheck.msg.prickmark_fail": {
        "sv": "{subject}: {measured} m² står på mark där {quote} (mer än toleransen {tolerance} m).",
        "en": "{subject}: {measured} m² stands on land where {quote} (beyond the {tolerance} m tolerance).",
    },
    "plancheck.msg.outside_plan": {
        "sv": "{subject}: {measured} m² ligger utanför planområdet och prövas inte mot planen. Pröva manuellt.",
        "en": "{subject}: {measured} m² lies outside the plan area and is not checked against the plan. Review manually.",
    },
    "plancheck.msg.outside_property": {
        "sv": "{subject}: {measured} m² ligger utanför fastigheten (mer än toleransen {tolerance} m över fastighetsgränsen); en byggnad ska stå på den egna fastigheten.",
        "en": "{subject}: {measured} m² lies outside the property (beyond the {tolerance} m tolerance over the property boundary); a building must stand on its own property.",
    },
    "plancheck.msg.unknown": {
        "sv": "Bestämmelsen {quote} gäller på fastigheten men tolkas inte automatiskt. Pröva manuellt.",
        "en": "The regulation {quote} applies to the property but is not interpreted automatically. Review manually.",
    },
    "plancheck.msg.no_checks": {
        "sv": "Inga bestämmelser kunde prövas för förslaget. Pröva manuellt.",
        "en": "No regulation could be checked for this proposal. Review manually.",
    },
    # KPI card explanations (hover and info mark)
    "plancheck.help.n_proposals": {
        "sv": "Antal bygglovsförslag som prövats mot detaljplanen. Varje förslag är en fastighet med en eller flera byggnader.",
        "en": "Number of building proposals checked against the detailed plan. Each proposal is a property with one or more buildings.",
    },
    "plancheck.help.share_auto_decided": {
        "sv": "Godkända plus förslag med avvikelse, i procent av alla prövade förslag: de som avgjordes utan handläggarens bedömning. Mål: minst 50 %.",
        "en": "Passed plus failed proposals as a share of all proposals checked: those decided without a case officer's judgement. Target: at least 50 %.",
    },
    "plancheck.help.share_pass": {
        "sv": "Andel förslag där varje kontroll (användning, prickmark, byggnadsarea, höjder, fastighetsstorlek) uppfylls. Ett värde exakt på gränsen är godkänt.",
        "en": "Share of proposals where every check (land use, prickmark, building area, heights, plot size) is met. A value exactly at the limit passes.",
    },
    "plancheck.help.share_fail": {
        "sv": "Andel förslag där minst en kontroll bryter mot planen, t.ex. för hög nockhöjd eller byggnad på prickmark utöver toleransen. En avvikelse väger tyngre än manuell prövning.",
        "en": "Share of proposals where at least one check breaks the plan, e.g. too high a ridge or a building on prickmark beyond the tolerance. A failure outweighs a manual review.",
    },
    "plancheck.help.share_manual": {
        "sv": "Andel förslag som behöver en handläggares bedömning: ett värde saknas i förslaget, en bestämmelse tolkas inte automatiskt eller en byggnad når utanför planområdet.",
        "en": "Share of proposals that need a case officer's judgement: a value is missing from the proposal, a regulation is not interpreted automatically, or a building reaches outside the plan area.",
    },
}
