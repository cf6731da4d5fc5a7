"""Every sentence and label of the reports, in English and Dutch.

One table, one entry per key with both languages; :func:`messages` returns the
lookup for one language. Placeholders use ``str.format`` names. The wording follows
the seeds' ideas (a dialogue, not a verdict; the balance between fearful caution and
"anything goes") in the platform's own words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

LANGUAGES: tuple[str, ...] = ("en", "nl")

MESSAGES: Mapping[str, Mapping[str, str]] = {
    # --- document -------------------------------------------------------------
    "report.title": {"en": "Improvement report", "nl": "Verbeterrapport"},
    "report.subtitle": {
        "en": "Social media maturity self-assessment",
        "nl": "Zelfevaluatie volwassenheid sociale media",
    },
    "report.round": {"en": "Assessment round", "nl": "Meetronde"},
    "report.closed_on": {"en": "Closed on", "nl": "Afgesloten op"},
    "report.generated_on": {"en": "Report made on", "nl": "Rapport gemaakt op"},
    "report.profile": {"en": "Profile", "nl": "Profiel"},
    "report.synthetic": {
        "en": "Demo data: this organisation and its peers are synthetic.",
        "nl": "Demogegevens: deze organisatie en haar vergelijkingsgroep zijn fictief.",
    },
    "report.page": {"en": "Page", "nl": "Pagina"},
    "report.of": {"en": "of", "nl": "van"},
    "report.more_at": {
        "en": "The scoring rules are published at {url}.",
        "nl": "De rekenregels staan op {url}.",
    },
    "report.reading_guide": {
        "en": "This report has three levels of detail: an overview on one page, a snapshot "
        "of every dimension, and the full story with every item. It ends with a kit for an "
        "internal dialogue session and an action plan.",
        "nl": "Dit rapport kent drie detailniveaus: een overzicht op één pagina, een "
        "momentopname van elke dimensie en het volledige verhaal met elke vraag. Het sluit "
        "af met een draaiboek voor een intern dialooggesprek en een actieplan.",
    },
    # --- common labels --------------------------------------------------------
    "label.instrument": {"en": "Instrument", "nl": "Instrument"},
    "label.dimension": {"en": "Dimension", "nl": "Dimensie"},
    "label.item": {"en": "Statement", "nl": "Stelling"},
    "label.score": {"en": "Score", "nl": "Score"},
    "label.level": {"en": "Level", "nl": "Niveau"},
    "label.level_of": {"en": "Level {level} of 5", "nl": "Niveau {level} van 5"},
    "label.percentile": {"en": "Percentile rank", "nl": "Percentielrang"},
    "label.dont_know": {"en": "Don't know", "nl": "Weet niet"},
    "label.role_spread": {"en": "Role gap", "nl": "Verschil rollen"},
    "label.hidden": {"en": "hidden", "nl": "verborgen"},
    "label.hidden_mark": {"en": "–", "nl": "–"},
    "label.hidden_legend": {
        "en": "– = not shown: too few respondents behind the figure (see the anonymity rules).",
        "nl": "– = niet getoond: te weinig deelnemers achter het cijfer (zie de "
        "anonimiteitsregels).",
    },
    "label.recommendation": {"en": "Recommendation", "nl": "Aanbeveling"},
    "label.source": {"en": "Source", "nl": "Bron"},
    "label.rank": {"en": "#", "nl": "#"},
    "label.minutes": {"en": "min", "nl": "min"},
    "label.not_scored": {"en": "no score", "nl": "geen score"},
    "label.chart_alt": {
        "en": "Chart: {title}. The same figures are in the table next to it.",
        "nl": "Grafiek: {title}. Dezelfde cijfers staan in de tabel ernaast.",
    },
    # --- overview -------------------------------------------------------------
    "overview.title": {"en": "Overview", "nl": "Overzicht"},
    "overview.instruments": {"en": "Maturity per instrument", "nl": "Volwassenheid per instrument"},
    "overview.balance": {"en": "Balance", "nl": "Balans"},
    "overview.balance_scores": {
        "en": "Control {control} · enablement {enablement}",
        "nl": "Beheersing {control} · stimulering {enablement}",
    },
    "overview.coherence": {"en": "Coherence", "nl": "Samenhang"},
    "overview.strongest": {"en": "Strongest dimensions", "nl": "Sterkste dimensies"},
    "overview.weakest": {"en": "Weakest dimensions", "nl": "Zwakste dimensies"},
    "overview.roles": {"en": "Who answered", "nl": "Wie deed mee"},
    "overview.other_roles": {"en": "Other roles", "nl": "Andere rollen"},
    "overview.fewer_than_three": {"en": "fewer than 3", "nl": "minder dan 3"},
    "overview.no_dimensions": {
        "en": "No dimension has a score that may be shown.",
        "nl": "Geen enkele dimensie heeft een score die getoond mag worden.",
    },
    "overview.respondents_total": {
        "en": "{count} respondents submitted their answers.",
        "nl": "{count} deelnemers hebben hun antwoorden ingediend.",
    },
    "quadrant.balanced": {"en": "Balanced", "nl": "In balans"},
    "quadrant.restrictive": {"en": "Restrictive", "nl": "Beperkend"},
    "quadrant.anything_goes": {"en": "Anything goes", "nl": "Alles mag"},
    "quadrant.unguided": {"en": "Unguided", "nl": "Zonder richting"},
    "quadrant.none": {"en": "Not shown", "nl": "Niet getoond"},
    "quadrant.balanced.meaning": {
        "en": "Clear rules and real room to use social media go together: the balance between "
        "control and enablement that a mature policy aims for.",
        "nl": "Duidelijke regels en echte ruimte om sociale media te gebruiken gaan samen: de "
        "balans tussen beheersing en stimulering waar volwassen beleid naar streeft.",
    },
    "quadrant.restrictive.meaning": {
        "en": "Rules and oversight are in place but encouragement lags behind, so staff may "
        "keep away from social media out of caution rather than use them well.",
        "nl": "Regels en toezicht zijn er, maar stimulering blijft achter, zodat medewerkers "
        "sociale media eerder uit voorzichtigheid mijden dan ze goed gebruiken.",
    },
    "quadrant.anything_goes.meaning": {
        "en": "Staff are encouraged to use social media but rules and oversight lag behind, so "
        "the organisation leans on individual judgement when something goes wrong.",
        "nl": "Medewerkers worden aangemoedigd sociale media te gebruiken, maar regels en "
        "toezicht blijven achter, zodat de organisatie op het oordeel van individuen leunt "
        "als er iets misgaat.",
    },
    "quadrant.unguided.meaning": {
        "en": "There are few rules and little encouragement: how staff use social media is "
        "left to chance.",
        "nl": "Er zijn weinig regels en weinig aanmoediging: hoe medewerkers sociale media "
        "gebruiken, wordt aan het toeval overgelaten.",
    },
    "quadrant.none.meaning": {
        "en": "The balance is not shown: too few respondents answered the statements that "
        "measure control or enablement.",
        "nl": "De balans wordt niet getoond: te weinig deelnemers beantwoordden de stellingen "
        "die beheersing of stimulering meten.",
    },
    "quadrant.near_line": {"en": "Near the line", "nl": "Dicht bij de lijn"},
    "quadrant.near_line.meaning": {
        "en": "Control or enablement lies within its margin of the line at 50, so the "
        "organisation is placed in no quadrant: control {control} ± {control_margin}, "
        "enablement {enablement} ± {enablement_margin}.",
        "nl": "Beheersing of stimulering ligt binnen de marge rond de lijn bij 50, dus de "
        "organisatie staat in geen enkel kwadrant: beheersing {control} ± {control_margin}, "
        "stimulering {enablement} ± {enablement_margin}.",
    },
    "coherence.yes": {"en": "Coherent", "nl": "Samenhangend"},
    "coherence.no": {"en": "Not yet coherent", "nl": "Nog niet samenhangend"},
    "coherence.unknown": {"en": "Cannot be judged", "nl": "Niet te beoordelen"},
    "coherence.yes.meaning": {
        "en": "Every dimension of the maturity test is at level 3 or higher: the policy hangs "
        "together.",
        "nl": "Elke dimensie van de volwassenheidstest staat op niveau 3 of hoger: het beleid "
        "hangt samen.",
    },
    "coherence.no.meaning": {
        "en": "At least one dimension of the maturity test is below level 3, so the policy "
        "does not yet hang together.",
        "nl": "Minstens één dimensie van de volwassenheidstest staat onder niveau 3, dus het "
        "beleid hangt nog niet samen.",
    },
    "coherence.unknown.meaning": {
        "en": "Coherence needs a shown score on every dimension of the maturity test; this "
        "round does not have one for each.",
        "nl": "Voor samenhang is op elke dimensie van de volwassenheidstest een getoonde score "
        "nodig; deze ronde heeft die niet voor elke dimensie.",
    },
    "peers.group": {
        "en": "Compared with {group}: {count} organisations.",
        "nl": "Vergeleken met {group}: {count} organisaties.",
    },
    "peers.no_percentile": {"en": "no comparison", "nl": "geen vergelijking"},
    "peer_group.all": {"en": "all organisations", "nl": "alle organisaties"},
    "peer_group.sector": {"en": "the sector {sector}", "nl": "de sector {sector}"},
    "peer_group.size_band": {
        "en": "organisations of {size_band}",
        "nl": "organisaties met {size_band}",
    },
    "peer_group.country": {"en": "organisations in {country}", "nl": "organisaties in {country}"},
    "peer_group.sector,size_band": {
        "en": "the sector {sector}, {size_band}",
        "nl": "de sector {sector}, {size_band}",
    },
    "peer_group.sector,country": {
        "en": "the sector {sector} in {country}",
        "nl": "de sector {sector} in {country}",
    },
    "peer_group.synthetic": {"en": " (demo organisations)", "nl": " (demo-organisaties)"},
    # --- snapshot -------------------------------------------------------------
    "snapshot.title": {"en": "Snapshot per dimension", "nl": "Momentopname per dimensie"},
    "snapshot.intro": {
        "en": "For every dimension: the score and what its level means, how peers score, how "
        "many answered “don't know”, whether role groups see it differently, and the findings "
        "that matter most.",
        "nl": "Per dimensie: de score en wat het niveau betekent, hoe de vergelijkingsgroep "
        "scoort, hoeveel deelnemers ‘weet niet’ antwoordden, of rolgroepen het verschillend "
        "zien, en de belangrijkste bevindingen.",
    },
    "snapshot.peer_chart": {
        "en": "Compared with {group}",
        "nl": "Vergeleken met {group}",
    },
    "snapshot.peer_chart_legend": {
        "en": "The box spans the middle half of the peers with the median inside, the dashed "
        "line runs to where the top 10% begins, and the diamond is this organisation. "
        "Dimensions without a peer comparison are left out.",
        "nl": "Het blok omvat de middelste helft van de groep met de mediaan erin, de "
        "stippellijn loopt tot waar de beste 10% begint, en de ruit is deze organisatie. "
        "Dimensies zonder vergelijking ontbreken.",
    },
    "snapshot.score_hidden": {
        "en": "No score is shown: fewer than 3 respondents stand behind it.",
        "nl": "Er wordt geen score getoond: er staan minder dan 3 deelnemers achter.",
    },
    "snapshot.dont_know": {
        "en": "“Don't know”: {rate} of the answers.",
        "nl": "‘Weet niet’: {rate} van de antwoorden.",
    },
    "snapshot.dont_know_high": {
        "en": "“Don't know”: {rate} of the answers, an awareness gap.",
        "nl": "‘Weet niet’: {rate} van de antwoorden, een kennislacune.",
    },
    "snapshot.dont_know_hidden": {
        "en": "“Don't know” rate not shown (too few respondents).",
        "nl": "Aandeel ‘weet niet’ niet getoond (te weinig deelnemers).",
    },
    "snapshot.roles": {"en": "Role groups", "nl": "Rolgroepen"},
    "snapshot.roles_disagree": {
        "en": "Role groups disagree: {spread} points between the highest and the lowest.",
        "nl": "Rolgroepen verschillen van mening: {spread} punten tussen de hoogste en de laagste.",
    },
    "snapshot.roles_agree": {
        "en": "Role groups broadly agree (at most {spread} points apart).",
        "nl": "Rolgroepen zijn het grotendeels eens (hooguit {spread} punten verschil).",
    },
    "snapshot.roles_hidden": {
        "en": "Role groups are not shown separately: too few respondents per role.",
        "nl": "Rolgroepen worden niet apart getoond: te weinig deelnemers per rol.",
    },
    "snapshot.roles_rule": {
        "en": "Role groups with fewer than {minimum} respondents are not shown, nor any group "
        "from which a smaller one could be worked out.",
        "nl": "Rolgroepen met minder dan {minimum} deelnemers worden niet getoond, en ook geen "
        "groep waaruit een kleinere kan worden afgeleid.",
    },
    "snapshot.findings": {"en": "What matters most", "nl": "Wat het meest telt"},
    "snapshot.no_findings": {
        "en": "No finding stands out on this dimension.",
        "nl": "Op deze dimensie springt geen bevinding eruit.",
    },
    "snapshot.peer_line": {
        "en": "Peers ({count}), in 5-point bands: median {median}, first quartile {q1}, "
        "third quartile {q3}, top 10% from {top}.",
        "nl": "Groep ({count}), in banden van 5 punten: mediaan {median}, eerste kwartiel "
        "{q1}, derde kwartiel {q3}, beste 10% vanaf {top}.",
    },
    "snapshot.peer_median_line": {
        "en": "Peers ({count}): median in the band {median}.",
        "nl": "Groep ({count}): mediaan in de band {median}.",
    },
    "snapshot.position.below": {
        "en": "This organisation is below the median band.",
        "nl": "Deze organisatie zit onder de band van de mediaan.",
    },
    "snapshot.position.in": {
        "en": "This organisation is in the median band.",
        "nl": "Deze organisatie zit in de band van de mediaan.",
    },
    "snapshot.position.above": {
        "en": "This organisation is above the median band.",
        "nl": "Deze organisatie zit boven de band van de mediaan.",
    },
    "snapshot.percentile": {
        "en": "Percentile rank {percentile}.",
        "nl": "Percentielrang {percentile}.",
    },
    "snapshot.peer_none": {
        "en": "No peer comparison for this dimension.",
        "nl": "Geen vergelijking voor deze dimensie.",
    },
    "finding.sentence": {"en": "{findings}: {text}", "nl": "{findings}: {text}"},
    "finding.low_score": {"en": "scores {score}", "nl": "scoort {score}"},
    "finding.awareness_gap": {
        "en": "{rate} answered “don't know”",
        "nl": "{rate} antwoordde ‘weet niet’",
    },
    "finding.role_disagreement": {
        "en": "role groups differ by {spread} points",
        "nl": "rolgroepen verschillen {spread} punten",
    },
    # --- full story -----------------------------------------------------------
    "story.title": {"en": "The full story", "nl": "Het volledige verhaal"},
    "story.items": {"en": "Every statement", "nl": "Alle stellingen"},
    "story.items_intro": {
        "en": "Each statement's score in the margin, then how many answered “don't know” and, "
        "where shown role groups differ, the gap between them.",
        "nl": "De score van elke stelling staat in de marge, daarna hoeveel deelnemers ‘weet "
        "niet’ antwoordden en, waar getoonde rolgroepen verschillen, het verschil tussen hen.",
    },
    "story.priorities": {"en": "Improvement priorities", "nl": "Verbeterprioriteiten"},
    "story.priorities_intro": {
        "en": "Ordered by how much there is to gain: (100 − score) × the statement's weight. "
        "The statement most people could not answer and the one on which role groups "
        "differ most always have a place, as on the results page.",
        "nl": "Geordend naar wat er te winnen valt: (100 − score) × het gewicht van de stelling. "
        "De stelling die de meesten niet konden beantwoorden en die waarover rolgroepen "
        "het meest verschillen hebben altijd een plaats, net als op de resultatenpagina.",
    },
    "story.no_priorities": {
        "en": "No statement has a score that may be shown and leaves room to improve.",
        "nl": "Geen stelling heeft een score die getoond mag worden en ruimte voor verbetering "
        "laat.",
    },
    "story.awareness": {"en": "Awareness gaps", "nl": "Kennislacunes"},
    "story.awareness_intro": {
        "en": "Statements that {threshold} or more of the answers marked “don't know”: people "
        "do not know what the policy says or how it works.",
        "nl": "Stellingen waarop {threshold} of meer van de antwoorden ‘weet niet’ was: "
        "mensen weten niet wat het beleid zegt of hoe het werkt.",
    },
    "story.more_awareness": {
        "en": "{count} more statements have a high “don't know” rate; every statement's rate "
        "is in the table below.",
        "nl": "Nog {count} stellingen hebben een hoog aandeel ‘weet niet’; het aandeel van elke "
        "stelling staat in de tabel hieronder.",
    },
    "story.no_awareness": {
        "en": "No statement has a high “don't know” rate.",
        "nl": "Geen enkele stelling heeft een hoog aandeel ‘weet niet’.",
    },
    "story.disagreement": {"en": "Where roles disagree", "nl": "Waar rollen verschillen"},
    "story.disagreement_intro": {
        "en": "Dimensions and statements on which the shown role groups are {threshold} points "
        "or more apart.",
        "nl": "Dimensies en stellingen waarop de getoonde rolgroepen {threshold} punten of meer "
        "uiteenlopen.",
    },
    "story.no_disagreement": {
        "en": "No role groups that may be shown are {threshold} points or more apart.",
        "nl": "Geen getoonde rolgroepen lopen {threshold} punten of meer uiteen.",
    },
    # --- dialogue kit ---------------------------------------------------------
    "dialogue.title": {"en": "Dialogue kit", "nl": "Draaiboek voor de dialoog"},
    "dialogue.intro": {
        "en": "An agenda for a 90-minute internal session. The results are not a verdict but a "
        "starting point: the aim is a shared view of what to improve first.",
        "nl": "Een agenda voor een interne bijeenkomst van 90 minuten. De uitkomsten zijn geen "
        "oordeel maar een vertrekpunt: het doel is een gedeeld beeld van wat eerst beter moet.",
    },
    "dialogue.agenda": {"en": "Agenda", "nl": "Agenda"},
    "dialogue.time": {"en": "Time", "nl": "Tijd"},
    "dialogue.questions": {"en": "Questions for the dialogue", "nl": "Vragen voor de dialoog"},
    "dialogue.cases": {"en": "Dilemma cases", "nl": "Dilemma's"},
    "dialogue.cases_intro": {
        "en": "Discuss each case in small groups: what would you do, what does our policy say, "
        "and what should it say?",
        "nl": "Bespreek elke casus in kleine groepen: wat zou jij doen, wat zegt ons beleid, en "
        "wat zou het moeten zeggen?",
    },
    "dialogue.no_cases": {
        "en": "The instruments of this round offer no dilemma cases.",
        "nl": "De instrumenten van deze ronde bevatten geen dilemma's.",
    },
    "dialogue.invite": {"en": "Whom to invite", "nl": "Wie uit te nodigen"},
    "dialogue.fits": {"en": "Fits: {dimensions}", "nl": "Past bij: {dimensions}"},
    "agenda.opening": {"en": "Opening and ground rules", "nl": "Opening en spelregels"},
    "agenda.opening.detail": {
        "en": "Why we meet; the results are a self-assessment; speak for yourself; no blame "
        "for mistakes that are discussed.",
        "nl": "Waarom we bijeenkomen; de uitkomsten zijn een zelfevaluatie; spreek voor jezelf; "
        "geen verwijten over fouten die op tafel komen.",
    },
    "agenda.results": {"en": "The results in brief", "nl": "De uitkomsten in het kort"},
    "agenda.results.detail": {
        "en": "Balance: {quadrant}. Weakest: {dimensions}.",
        "nl": "Balans: {quadrant}. Zwakst: {dimensions}.",
    },
    "agenda.weakest": {"en": "The weakest points", "nl": "De zwakste punten"},
    "agenda.weakest.detail": {
        "en": "Work through the questions for the dialogue below, one per priority.",
        "nl": "Loop de vragen voor de dialoog hieronder door, één per prioriteit.",
    },
    "agenda.cases": {"en": "Dilemma cases", "nl": "Dilemma's"},
    "agenda.cases.detail": {"en": "Cases: {cases}.", "nl": "Casussen: {cases}."},
    "agenda.differences": {"en": "Where we see it differently", "nl": "Waar we het anders zien"},
    "agenda.differences.detail": {
        "en": "Role groups disagree on: {dimensions}. Let each group explain its view.",
        "nl": "Rolgroepen verschillen over: {dimensions}. Laat elke groep haar kijk toelichten.",
    },
    "agenda.awareness": {"en": "What people do not know", "nl": "Wat mensen niet weten"},
    "agenda.awareness.detail": {
        "en": "Many answered “don't know” on statements about: {dimensions}. How do we make "
        "the policy known?",
        "nl": "Veel deelnemers antwoordden ‘weet niet’ op stellingen over: {dimensions}. Hoe "
        "maken we het beleid bekend?",
    },
    "agenda.strengths": {"en": "What already works", "nl": "Wat al werkt"},
    "agenda.strengths.detail": {
        "en": "Strongest: {dimensions}. What can the weaker areas learn from them?",
        "nl": "Sterkst: {dimensions}. Wat kunnen de zwakkere onderdelen daarvan leren?",
    },
    "agenda.next_steps": {"en": "Agreements and next steps", "nl": "Afspraken en vervolg"},
    "agenda.next_steps.detail": {
        "en": "Choose an owner and a deadline for each priority in the action plan, and agree "
        "when to measure again.",
        "nl": "Kies per prioriteit in het actieplan een eigenaar en een termijn, en spreek af "
        "wanneer opnieuw wordt gemeten.",
    },
    "invite.management": {
        "en": "decides on the follow-up and shows that leadership comes from the top",
        "nl": "beslist over het vervolg en laat zien dat het goede voorbeeld van de top komt",
    },
    "invite.weak": {"en": "weak: {dimension}", "nl": "zwak: {dimension}"},
    "invite.disagrees": {"en": "sees {dimension} differently", "nl": "ziet {dimension} anders"},
    # --- action plan ----------------------------------------------------------
    "action.title": {"en": "Action plan", "nl": "Actieplan"},
    "action.intro": {
        "en": "The recommendation of each improvement priority (numbered as in the full story), "
        "with room to agree who does what and by when. The spreadsheet version of this plan "
        "has a status list and checks the dates.",
        "nl": "De aanbeveling bij elke verbeterprioriteit (genummerd als in het volledige "
        "verhaal), met ruimte om af te spreken wie wat doet en wanneer. De spreadsheetversie "
        "van dit plan heeft een statuslijst en controleert de data.",
    },
    "action.priority": {"en": "Priority", "nl": "Prioriteit"},
    "action.action": {"en": "What to do", "nl": "Wat te doen"},
    "action.owner": {"en": "Owner", "nl": "Eigenaar"},
    "action.deadline": {"en": "Deadline", "nl": "Termijn"},
    "action.status": {"en": "Status", "nl": "Status"},
    "status.open": {"en": "open", "nl": "open"},
    "status.in_progress": {"en": "in progress", "nl": "in uitvoering"},
    "status.done": {"en": "done", "nl": "afgerond"},
    "xlsx.scores": {"en": "Scores", "nl": "Scores"},
    "xlsx.deadline_error": {
        "en": "Enter a date, for example 2026-12-31.",
        "nl": "Vul een datum in, bijvoorbeeld 2026-12-31.",
    },
    "xlsx.status_error": {
        "en": "Choose a status from the list.",
        "nl": "Kies een status uit de lijst.",
    },
    "xlsx.level_description": {"en": "Level description", "nl": "Beschrijving niveau"},
    "export.score": {"en": "Score (0–100)", "nl": "Score (0–100)"},
    "export.level": {"en": "Level (1–5)", "nl": "Niveau (1–5)"},
    "export.dont_know": {"en": "Don't know (%)", "nl": "Weet niet (%)"},
    "export.respondents": {"en": "Respondents", "nl": "Respondenten"},
    # --- about ----------------------------------------------------------------
    "about.title": {"en": "About this report", "nl": "Over dit rapport"},
    "about.method": {"en": "The method in brief", "nl": "De methode in het kort"},
    "method.answers": {
        "en": "Every answer option scores 0 to 100; “don't know” and “not applicable” are "
        "not scored, and never count as zero.",
        "nl": "Elke antwoordoptie scoort 0 tot 100; ‘weet niet’ en ‘niet van toepassing’ "
        "krijgen geen score en tellen nooit als nul.",
    },
    "method.dimensions": {
        "en": "A respondent's dimension score is the weighted mean of the answered "
        "statements; a role group's score is the mean of its respondents, and the "
        "organisation's score the mean of its role groups, so that every role counts once.",
        "nl": "De dimensiescore van een deelnemer is het gewogen gemiddelde van de "
        "beantwoorde stellingen; de score van een rolgroep is het gemiddelde van haar "
        "deelnemers en die van de organisatie het gemiddelde van de rolgroepen, zodat elke "
        "rol één keer telt.",
    },
    "method.levels": {
        "en": "An instrument's score is the mean of its dimensions. Levels 1 to 5 start at 0, "
        "20, 40, 60 and 80.",
        "nl": "De score van een instrument is het gemiddelde van zijn dimensies. Niveau 1 tot "
        "5 begint bij 0, 20, 40, 60 en 80.",
    },
    "method.balance": {
        "en": "Control (rules, monitoring, sanctions, account security) and enablement (added "
        "value, training, encouragement, dialogue) are each high from 50; together they place "
        "the organisation in one of four quadrants.",
        "nl": "Beheersing (regels, monitoring, sancties, accountbeveiliging) en stimulering "
        "(toegevoegde waarde, training, aanmoediging, dialoog) zijn elk hoog vanaf 50; samen "
        "plaatsen ze de organisatie in een van vier kwadranten.",
    },
    "method.priorities": {
        "en": "Priorities order statements by (100 − score) × weight. A “don't know” rate of "
        "{dont_know} or more and role groups {spread} points or more apart are findings of "
        "their own.",
        "nl": "Prioriteiten ordenen stellingen naar (100 − score) × gewicht. Een aandeel ‘weet "
        "niet’ van {dont_know} of meer en rolgroepen die {spread} punten of meer uiteenlopen "
        "zijn eigen bevindingen.",
    },
    "method.peers": {
        "en": "Peers are compared on their latest closed round on the same instrument version. "
        "The percentile rank is the share of peers scoring lower, ties counting half.",
        "nl": "De vergelijking gebruikt van elke organisatie de laatst afgesloten ronde op "
        "dezelfde versie van het instrument. De percentielrang is het aandeel organisaties "
        "dat lager scoort, gelijke scores half meegeteld.",
    },
    "about.anonymity": {"en": "Anonymity rules applied", "nl": "Toegepaste anonimiteitsregels"},
    "anonymity.role_rule": {
        "en": "A role group is shown only with at least {minimum} respondents, and never when a "
        "smaller hidden group could be worked out from the shown ones and the overall score.",
        "nl": "Een rolgroep wordt alleen getoond met minstens {minimum} deelnemers, en nooit als "
        "een kleinere verborgen groep uit de getoonde groepen en de totaalscore kan worden "
        "afgeleid.",
    },
    "anonymity.org_rule": {
        "en": "A score or “don't know” rate is shown only with at least {minimum} respondents "
        "behind it.",
        "nl": "Een score of aandeel ‘weet niet’ wordt alleen getoond met minstens {minimum} "
        "deelnemers erachter.",
    },
    "anonymity.peer_rule": {
        "en": "Peer figures are 5-point bands. A group shows its median band with at least 4 "
        "organisations whose scores a reader does not already know, its quartiles with 10; "
        "otherwise only its count.",
        "nl": "Cijfers van de vergelijkingsgroep zijn banden van 5 punten. Een groep toont de "
        "band van de mediaan met minstens 4 organisaties waarvan een lezer de score niet al "
        "kent, de kwartielen met 10; anders alleen het aantal.",
    },
    "anonymity.hidden_roles": {
        "en": "In this report {count} role-group figures are not shown for these reasons.",
        "nl": "In dit rapport worden om deze redenen {count} cijfers van rolgroepen niet getoond.",
    },
    "anonymity.hidden_scores": {
        "en": "{count} dimension or statement scores are not shown because too few "
        "respondents stand behind them.",
        "nl": "{count} scores van dimensies of stellingen worden niet getoond omdat er te "
        "weinig deelnemers achter staan.",
    },
    "anonymity.hidden_peers": {
        "en": "The peer comparison is not shown for {count} dimensions (too few organisations "
        "whose scores a reader does not already know).",
        "nl": "De vergelijking ontbreekt voor {count} dimensies (te weinig organisaties "
        "waarvan een lezer de score niet al kent).",
    },
    "anonymity.nothing_hidden": {
        "en": "No figure in this report had to be hidden.",
        "nl": "Geen enkel cijfer in dit rapport hoefde verborgen te worden.",
    },
    "anonymity.counts": {
        "en": "The numbers of respondents per role are shown; their answers are not.",
        "nl": "Het aantal deelnemers per rol wordt getoond; hun antwoorden niet.",
    },
    "about.limits": {"en": "What the scores cannot tell", "nl": "Wat de scores niet zeggen"},
    "limits.self_assessment": {
        "en": "This is a self-assessment: the scores show how respondents see the policy and "
        "its practice, not what an audit would find.",
        "nl": "Dit is een zelfevaluatie: de scores laten zien hoe deelnemers het beleid en de "
        "praktijk zien, niet wat een audit zou vaststellen.",
    },
    "limits.sample": {
        "en": "{count} respondents took part. With few respondents one answer moves a score "
        "noticeably; read small differences as no difference.",
        "nl": "{count} deelnemers deden mee. Bij weinig deelnemers verschuift één antwoord een "
        "score merkbaar; lees kleine verschillen als geen verschil.",
    },
    "limits.roles_missing": {
        "en": "No respondents from: {roles}. Their view is missing from the scores.",
        "nl": "Geen deelnemers uit: {roles}. Hun kijk ontbreekt in de scores.",
    },
    "limits.roles_all": {
        "en": "Every role took part, but the roles weigh equally however many respondents each "
        "has.",
        "nl": "Alle rollen deden mee, maar de rollen wegen even zwaar, hoeveel deelnemers elk "
        "ook heeft.",
    },
    "limits.peers": {
        "en": "Peers are organisations that chose to take the test, not a random sample of "
        "the sector.",
        "nl": "De vergelijkingsgroep bestaat uit organisaties die zelf voor de test kozen, "
        "geen aselecte steekproef uit de sector.",
    },
    "limits.causes": {
        "en": "The scores show where to look, not why: that is what the dialogue is for.",
        "nl": "De scores laten zien waar je moet kijken, niet waarom: daar is de dialoog voor.",
    },
    # --- sector report --------------------------------------------------------
    "sector.title": {"en": "Sector benchmark report", "nl": "Sectorrapport benchmark"},
    "sector.subtitle": {
        "en": "{instrument}, version {version}",
        "nl": "{instrument}, versie {version}",
    },
    "sector.population": {
        "en": "{organisations} organisations with a closed round on this version; each counts "
        "once, with its latest round.",
        "nl": "{organisations} organisaties met een afgesloten ronde op deze versie; elke "
        "organisatie telt één keer, met haar laatste ronde.",
    },
    "sector.population_synthetic": {
        "en": "There are no real organisations with results yet; this report shows the "
        "synthetic demo organisations.",
        "nl": "Er zijn nog geen echte organisaties met uitkomsten; dit rapport toont de "
        "fictieve demo-organisaties.",
    },
    "sector.no_results": {
        "en": "No organisation has closed a round on this instrument version yet.",
        "nl": "Nog geen enkele organisatie heeft een ronde op deze versie van het instrument "
        "afgesloten.",
    },
    "sector.overview": {"en": "Overview", "nl": "Overzicht"},
    "sector.heatmap": {
        "en": "Median per sector and dimension",
        "nl": "Mediaan per sector en dimensie",
    },
    "sector.distribution": {"en": "Distribution per group", "nl": "Verdeling per groep"},
    "sector.by.sector": {"en": "By sector", "nl": "Per sector"},
    "sector.by.size_band": {"en": "By size band", "nl": "Per omvang"},
    "sector.by.country": {"en": "By country", "nl": "Per land"},
    "sector.group": {"en": "Group", "nl": "Groep"},
    "sector.organisations": {"en": "Organisations", "nl": "Organisaties"},
    "sector.q1": {"en": "Q1", "nl": "Q1"},
    "sector.q3": {"en": "Q3", "nl": "Q3"},
    "sector.median": {"en": "Median", "nl": "Mediaan"},
    "sector.top_decile": {"en": "Top 10%", "nl": "Beste 10%"},
    "sector.suppressed_note": {
        "en": "Every figure is a 5-point band. A group shows its median band with at least 4 "
        "organisations whose scores a reader does not already know (organisations sharing "
        "their scores with the integrity office count as known), its quartiles and top 10% "
        "with 10; otherwise its count only (a dash).",
        "nl": "Elk cijfer is een band van 5 punten. Een groep toont de band van de mediaan met "
        "minstens 4 organisaties waarvan een lezer de score niet al kent (organisaties die "
        "hun scores met het integriteitsbureau delen tellen als bekend), de kwartielen en "
        "beste 10% met 10; anders alleen het aantal (een streepje).",
    },
    "sector.trend": {"en": "Year on year", "nl": "Van jaar tot jaar"},
    "sector.trend_intro": {
        "en": "The median per sector and year of closing (each organisation's latest round in "
        "that year).",
        "nl": "De mediaan per sector en jaar van afsluiten (van elke organisatie de laatste "
        "ronde in dat jaar).",
    },
    "sector.year": {"en": "Year", "nl": "Jaar"},
    "sector.trend_hidden": {
        "en": "No sector has enough organisations in two or more years to show its trend.",
        "nl": "Geen enkele sector heeft in twee of meer jaren genoeg organisaties om een "
        "ontwikkeling te tonen.",
    },
    "sector.no_trend": {
        "en": "Not enough years with results to show a trend.",
        "nl": "Te weinig jaren met uitkomsten om een ontwikkeling te tonen.",
    },
    "sector.weak_items": {
        "en": "Most common weak statements",
        "nl": "Meest voorkomende zwakke stellingen",
    },
    "sector.weak_items_intro": {
        "en": "Statements scoring below {threshold} (level 1 or 2) in the most organisations, "
        "counted only in groups that show their quartiles.",
        "nl": "Stellingen die bij de meeste organisaties onder {threshold} scoren (niveau 1 of "
        "2), alleen geteld in groepen die hun kwartielen tonen.",
    },
    "sector.weak_share": {"en": "Weak in", "nl": "Zwak bij"},
    "sector.weak_of": {"en": "{weak} of {count}", "nl": "{weak} van {count}"},
    "sector.all_sectors": {"en": "All sectors", "nl": "Alle sectoren"},
    # --- item statistics (sector report) ----------------------------------------
    "items.title": {"en": "How well the questions measure", "nl": "Hoe goed de vragen meten"},
    "items.intro": {
        "en": "Across the organisations: how consistently the questions of a dimension "
        "measure it (alpha), how much colleagues of one organisation agree (ICC(1)), how "
        "each question goes with the rest of its dimension, and how often each role answers "
        '"don\'t know". In brackets the number of organisations behind each figure; with '
        "fewer than {minimum} it is not shown.",
        "nl": "Over de organisaties: hoe consequent de vragen van een dimensie die meten "
        "(alfa), hoeveel collega's van één organisatie het eens zijn (ICC(1)), hoe elke vraag "
        'samengaat met de rest van haar dimensie, en hoe vaak elke rol "weet ik niet" '
        "antwoordt. Tussen haakjes het aantal organisaties achter elk cijfer; met minder dan "
        "{minimum} staat het er niet.",
    },
    "items.respondents": {"en": "Respondents", "nl": "Respondenten"},
    "items.alpha": {"en": "Alpha, complete answers", "nl": "Alfa, volledige antwoorden"},
    "items.alpha_pairwise": {"en": "Alpha, pairwise", "nl": "Alfa, per paar"},
    "items.no_complete": {"en": "no complete answers", "nl": "geen volledige antwoorden"},
    "items.pairwise_note": {
        "en": "Questions are routed by role, so few respondents answer every question of a "
        "dimension; the pairwise alpha uses every pair of questions that 10 or more "
        "respondents both answered.",
        "nl": "Vragen gaan per rol, dus weinig respondenten beantwoorden elke vraag van een "
        "dimensie; de alfa per paar gebruikt elk paar vragen dat 10 of meer respondenten "
        "allebei beantwoordden.",
    },
    "items.item_total": {
        "en": "Each question against the rest of its dimension (corrected item-total correlation)",
        "nl": "Elke vraag tegenover de rest van haar dimensie (gecorrigeerde "
        "item-totaalcorrelatie)",
    },
    "items.correlation": {"en": "Correlation", "nl": "Correlatie"},
    "items.dont_know": {
        "en": '"Don\'t know" per dimension and role',
        "nl": '"Weet ik niet" per dimensie en rol',
    },
    "items.hidden_note": {
        "en": "– in a figure's place: fewer than {minimum} organisations stand behind it. "
        "– in a role's column: the role is not asked this dimension, or none of its "
        "respondents answered it.",
        "nl": "– op de plaats van een cijfer: er staan minder dan {minimum} organisaties "
        "achter. – in de kolom van een rol: de rol krijgt deze dimensie niet, of geen van haar "
        "respondenten beantwoordde haar.",
    },
    "sector.no_weak_items": {
        "en": "No group is large enough to list weak statements.",
        "nl": "Geen enkele groep is groot genoeg om zwakke stellingen te noemen.",
    },
    "sector.anonymity_scores": {
        "en": "No organisation is named and no single organisation's score is shown: every "
        "figure is a band of a group of at least {minimum} organisations.",
        "nl": "Geen enkele organisatie wordt genoemd en geen enkele score van één organisatie "
        "wordt getoond: elk cijfer is een band van een groep van minstens {minimum} "
        "organisaties.",
    },
    # --- follow-up: the previous round and the agreed actions ---------------------
    "dialogue.part": {"en": "Part", "nl": "Onderdeel"},
    "dialogue.what": {"en": "What happens", "nl": "Wat er gebeurt"},
    "summary.title": {"en": "What now", "nl": "Wat nu"},
    "summary.intro": {
        "en": "The board's summary: page 1 says where the organisation stands and against "
        "whom; this page says what to do next. Everything after this page is the annex.",
        "nl": "De samenvatting voor het bestuur: pagina 1 zegt waar de organisatie staat en "
        "ten opzichte van wie; deze pagina zegt wat er nu moet gebeuren. Alles na deze "
        "pagina is de bijlage.",
    },
    "summary.start": {"en": "Where to start", "nl": "Waar te beginnen"},
    "summary.change": {
        "en": "Since “{label}”: {up} topic(s) improved and {down} declined by more than a "
        "change of respondents explains; {steady} stayed within it.",
        "nl": "Sinds “{label}”: {up} onderwerp(en) verbeterd en {down} achteruitgegaan, meer "
        "dan een andere groep respondenten verklaart; {steady} bleven daarbinnen.",
    },
    "summary.actions": {"en": "Agreed actions", "nl": "Afgesproken acties"},
    "summary.more_actions": {
        "en": "and {count} more in the annex",
        "nl": "en nog {count} in de bijlage",
    },
    "summary.next": {"en": "Next steps", "nl": "Volgende stappen"},
    "summary.next.dialogue": {
        "en": "Discuss these findings in a 90-minute dialogue session with the people named "
        "in the annex, and agree who does what.",
        "nl": "Bespreek deze bevindingen in een dialoogsessie van 90 minuten met de mensen die "
        "de bijlage noemt, en spreek af wie wat doet.",
    },
    "summary.next.plan": {
        "en": "Record each agreed action in the app with an owner, a due date and a status.",
        "nl": "Leg elke afgesproken actie in de app vast met een trekker, een streefdatum en "
        "een status.",
    },
    "summary.next.remeasure": {
        "en": "Measure again on the same questionnaire version in about a year: the next "
        "report shows what changed and which actions it followed.",
        "nl": "Meet over ongeveer een jaar opnieuw met dezelfde versie van de vragenlijst: "
        "het volgende rapport laat zien wat er veranderde en na welke acties.",
    },
    "annex.title": {"en": "Annex", "nl": "Bijlage"},
    "followup.title": {"en": "Since the previous round", "nl": "Sinds de vorige ronde"},
    "followup.intro": {
        "en": "Each topic's score against the organisation's previous round on the same "
        "version of the questionnaire, and what became of the actions agreed then.",
        "nl": "De score van elk onderwerp naast die van de vorige ronde van de organisatie "
        "met dezelfde versie van de vragenlijst, en wat er werd van de acties die toen zijn "
        "afgesproken.",
    },
    "followup.compared_with": {
        "en": "{instrument}: compared with “{label}”",
        "nl": "{instrument}: vergeleken met “{label}”",
    },
    "followup.other_version": {
        "en": "Not compared: the previous round used version {old} and this round version "
        "{new}; scores of different versions are not comparable.",
        "nl": "Niet vergeleken: de vorige ronde gebruikte versie {old} en deze ronde versie "
        "{new}; scores van verschillende versies zijn niet vergelijkbaar.",
    },
    "followup.first_round": {
        "en": "This is the first closed round with this questionnaire: there is nothing to "
        "compare with yet.",
        "nl": "Dit is de eerste afgesloten ronde met deze vragenlijst: er is nog niets om mee "
        "te vergelijken.",
    },
    "followup.previous": {"en": "Previous round", "nl": "Vorige ronde"},
    "followup.beyond": {"en": "Real change?", "nl": "Echte verandering?"},
    "followup.beyond.true": {"en": "yes", "nl": "ja"},
    "followup.beyond.false": {
        "en": "no, within turnover",
        "nl": "nee, binnen de wisseling",
    },
    "followup.beyond.none": {"en": "not known", "nl": "niet bekend"},
    "followup.beyond_note": {
        "en": "A change is real when it is larger than a different set of respondents alone "
        "could cause: 1.96 × √(se₁² + se₂²), a 95% interval (see the methodology).",
        "nl": "Een verandering is echt als ze groter is dan een andere groep respondenten "
        "alleen kan veroorzaken: 1,96 × √(se₁² + se₂²), een interval van 95% (zie de "
        "methodologie).",
    },
    "followup.this_round": {"en": "This round", "nl": "Deze ronde"},
    "followup.change": {"en": "Change", "nl": "Verandering"},
    "followup.carried": {
        "en": "Actions agreed in earlier rounds",
        "nl": "Acties uit eerdere rondes",
    },
    "followup.agreed": {"en": "Agreed actions", "nl": "Afgesproken acties"},
    "followup.agreed_intro": {
        "en": "What the coordinators recorded in the action plan after this round.",
        "nl": "Wat de coördinatoren na deze ronde in het actieplan hebben vastgelegd.",
    },
    "followup.none_agreed": {
        "en": "No actions have been recorded for this round yet; the plan below lists the "
        "recommendations to choose from.",
        "nl": "Voor deze ronde zijn nog geen acties vastgelegd; het plan hieronder noemt de "
        "aanbevelingen om uit te kiezen.",
    },
    "followup.round": {"en": "Round", "nl": "Ronde"},
    "followup.action": {"en": "Action", "nl": "Actie"},
    "followup.topics": {"en": "Topics", "nl": "Onderwerpen"},
    "followup.due": {"en": "Due date", "nl": "Streefdatum"},
    "followup.note": {"en": "Note", "nl": "Notitie"},
    "followup.action_id": {"en": "Action id", "nl": "Actie-id"},
    "followup.why.open": {
        "en": "The change shows once this round is closed.",
        "nl": "De verandering is te zien zodra deze ronde is afgesloten.",
    },
    "followup.why.other_version": {
        "en": "Not compared: another version of the questionnaire.",
        "nl": "Niet vergeleken: een andere versie van de vragenlijst.",
    },
    "followup.why.not_in_round": {
        "en": "Not compared: this round does not use that questionnaire.",
        "nl": "Niet vergeleken: deze ronde gebruikt die vragenlijst niet.",
    },
    "action_status.planned": {"en": "planned", "nl": "gepland"},
    "action_status.in_progress": {"en": "in progress", "nl": "bezig"},
    "action_status.done": {"en": "done", "nl": "klaar"},
    "action_status.dropped": {"en": "dropped", "nl": "vervallen"},
}


@dataclass(frozen=True)
class Messages:
    """The report's wording in one language: ``t("key", name=value)``."""

    lang: str

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"unsupported language {self.lang!r} (use en or nl)")

    def __call__(self, key: str, /, **values: object) -> str:
        try:
            text = MESSAGES[key][self.lang]
        except KeyError:
            raise KeyError(f"no report message {key!r}") from None
        return text.format(**values) if values else text


def messages(lang: str) -> Messages:
    return Messages(lang)
