"""Dialogue material for the layout samples.

Eight focus-group conversations (four Danish, four English) about a
mindfulness/self-care programme at work. Each turn is (role, [paragraphs]).
Roles: M = moderator, P1..P4 = participants (P4 speaks once).
The samples take different windows of these conversations and give the
speakers different names per layout, so no two samples are the same text.
"""

DA1 = [
    (
        "M",
        [
            "Velkommen, og tak fordi I ville være med i dag. Vi optager, som I ved, og det bliver kun brugt i projektet.",
            "Jeg vil gerne starte bredt: Hvad har I lagt mærke til hos jer selv, siden forløbet begyndte?",
        ],
    ),
    (
        "P1",
        [
            "Jeg kan starte. Det første, jeg opdagede, var faktisk, hvor lidt jeg mærker efter i løbet af en arbejdsdag. Jeg går fra møde til møde og opdager først klokken tre, at jeg ikke har spist."
        ],
    ),
    ("M", ["Mm."]),
    (
        "P1",
        [
            "Og det er jo ikke nyt, det har været sådan i årevis. Men nu lægger jeg mærke til det, og det er lidt ubehageligt i starten.",
            "Der er noget med, at når man først har set det, så kan man ikke rigtig lade være med at se det.",
        ],
    ),
    ("P3", ["Ja."]),
    (
        "P2",
        [
            "Jeg har det på samme måde. Jeg har opdaget, at jeg holder vejret, når der kommer en mail fra min leder. Det er helt vildt, men det gør jeg altså."
        ],
    ),
    ("M", ["Hvordan var det at opdage?"]),
    (
        "P2",
        [
            "Det var lidt grinagtigt, egentlig. Men også lidt trist, fordi det siger noget om, hvordan vi har det her.",
            "Altså, det handler jo ikke kun om mig. Det handler om, at der er for mange opgaver og for få hænder.",
        ],
    ),
    ("P3", ["Må jeg lige byde ind der?"]),
    ("M", ["Ja, selvfølgelig."]),
    (
        "P3",
        [
            "Jeg synes, det er vigtigt, at vi ikke gør det til et individuelt problem. Forløbet er godt, men det ændrer ikke på, at vi har tre ubesatte stillinger i afdelingen.",
            "Jeg kan trække vejret nok så dybt, der er stadig fyrre sager i min indbakke mandag morgen.",
        ],
    ),
    ("P1", ["Mm, præcis."]),
    (
        "P4",
        [
            "Jeg er ny her, så jeg har ikke så meget at sammenligne med. Men jeg kan godt genkende det med indbakken. Jeg troede, det var mig, der var langsom."
        ],
    ),
    (
        "M",
        ["Tak fordi du siger det. Hvad gør I så konkret, når I mærker, at det bliver for meget?"],
    ),
    (
        "P2",
        [
            "Jeg har fået en vane med at gå en lille tur efter frokost. Bare ti minutter rundt om søen. Det lyder ikke af meget."
        ],
    ),
    ("P3", ["Det gør det nu."]),
    (
        "P2",
        [
            "Ja, måske. Det er i hvert fald første gang i mange år, at jeg prioriterer noget, der kun er for min egen skyld."
        ],
    ),
    ("M", ["Ja."]),
    (
        "P1",
        [
            "Jeg har slået notifikationerne fra på telefonen efter klokken seks. Det var svært de første par uger, jeg tjekkede den alligevel.",
            "Men nu er det blevet normalt, og min kæreste har sagt, at jeg er mere til stede om aftenen.",
        ],
    ),
    ("M", ["Hvad siger jeres kolleger til det, når I begynder at gøre tingene anderledes?"]),
    (
        "P3",
        [
            "Nogle synes, det er fint. Andre kigger lidt skævt, når man går klokken fire. Der er en kultur for, at man skal vise, at man har travlt."
        ],
    ),
    ("P2", ["Mm."]),
    (
        "P3",
        [
            "Så det kræver faktisk mod at sætte den grænse. Og det kræver, at lederne går forrest, ellers holder det ikke."
        ],
    ),
    (
        "M",
        [
            "Det vil jeg gerne vende tilbage til om lidt. Er der mere, nogen vil sige om det, før vi går videre?"
        ],
    ),
    ("P1", ["Nej, jeg tror, det var det."]),
]

DA2 = [
    (
        "M",
        [
            "Så starter optagelsen. Vi tager en runde om grænser i dag. I må gerne bare tale løs, jeg styrer lidt undervejs."
        ],
    ),
    ("P1", ["Skal jeg starte?"]),
    ("M", ["Ja, gerne."]),
    (
        "P1",
        [
            "For mig har det største været at sige nej. Jeg har altid været den, der siger ja til alt, også når jeg ved, jeg ikke kan nå det.",
            "I forløbet snakkede vi om, at et nej til andre også er et ja til en selv. Det lyder som noget fra en kalender, men det ramte mig faktisk.",
        ],
    ),
    ("P2", ["Ja, det kan jeg godt genkende."]),
    ("M", ["Kan du give et eksempel på, hvornår du sagde nej?"]),
    (
        "P1",
        [
            "I sidste uge blev jeg spurgt, om jeg ville tage en ekstra vagt. Og jeg sagde nej, og jeg forklarede ikke engang hvorfor.",
            "Bagefter sad jeg med hjertebanken i en halv time. Men der skete ingenting. Verden gik ikke under.",
        ],
    ),
    ("P3", ["Mm."]),
    (
        "P2",
        [
            "Det er sjovt, for jeg har det modsat. Jeg har ikke svært ved at sige nej til andre, men jeg har svært ved at sige nej til mig selv. Jeg sidder og arbejder om aftenen, fordi jeg vil være færdig."
        ],
    ),
    ("M", ["Hvad har forløbet betydet for det?"]),
    (
        "P2",
        [
            "At jeg er begyndt at lægge mærke til, hvornår jeg er træt. Før kørte jeg bare videre. Nu stopper jeg nogle gange og spørger mig selv, om det her virkelig skal laves i aften."
        ],
    ),
    (
        "P4",
        [
            "Jeg vil bare sige, at det har betydet meget, at vi har været en gruppe. Jeg havde aldrig gjort det alene."
        ],
    ),
    ("M", ["Ja. Vil I andre sige noget om fællesskabet?"]),
    (
        "P3",
        [
            "Ja, for mig er det nok det vigtigste. Vi sidder jo i hver vores team og ser hinanden til møder, men vi taler aldrig om, hvordan vi har det.",
            "Her har vi kunnet sige ting højt, som jeg ellers kun har sagt til min mand. Det har gjort, at jeg føler mig mindre alene med det.",
            "Og så har jeg opdaget, at de andre også kæmper. Det lyder måske mærkeligt, men det er en lettelse.",
        ],
    ),
    ("P1", ["Ja."]),
    ("P2", ["Helt enig."]),
    ("M", ["Er der noget, der har været svært ved forløbet?"]),
    (
        "P3",
        [
            "Tiden. Det er svært at finde en time om ugen, når man i forvejen er presset. Der var et par gange, hvor jeg næsten meldte fra, fordi jeg havde dårlig samvittighed over for mine kolleger."
        ],
    ),
    (
        "P1",
        [
            "Det havde jeg også. Man sidder og tænker, at de andre må løbe stærkere, mens man selv ligger på en yogamåtte."
        ],
    ),
    ("M", ["Mm. Hvad skulle der til, for at det ikke føltes sådan?"]),
    (
        "P2",
        [
            "At det var en del af arbejdstiden, helt officielt. Og at vores leder sagde det højt, at det var i orden."
        ],
    ),
    ("P3", ["Ja, og at der blev taget højde for det i vagtplanen."]),
    ("M", ["Godt. Så tager vi en kort pause, og bagefter vil jeg gerne høre om jeres ledere."]),
]

EN1 = [
    (
        "M",
        [
            "Okay, I think we're recording now. Thanks, everyone, for making time for this. There are no right or wrong answers, I'm just interested in your experience of the programme.",
            "Maybe we can start with a simple one. What does awareness mean to you after these eight weeks?",
        ],
    ),
    (
        "P1",
        [
            "I'll go first, if that's okay. For me it's noticing the moment before I react. Like when a colleague sends one of those emails with three question marks."
        ],
    ),
    ("M", ["Yeah."]),
    (
        "P1",
        [
            "Before, I'd just fire off a reply. Now there's a little gap. Not always, but more often than before.",
            "And in that gap I can ask myself whether it's actually urgent, or whether it just feels urgent because of the tone.",
        ],
    ),
    ("P3", ["Mm."]),
    (
        "P2",
        [
            "For me it's more about the body, I think. I didn't realise how tense my shoulders were until we did the body scan in week two. I'd basically been carrying them up by my ears for a year."
        ],
    ),
    ("P3", ["Same."]),
    ("M", ["And has that changed anything in how you work?"]),
    (
        "P2",
        [
            "A little. I take proper breaks now. I actually leave my desk at lunch instead of eating over the keyboard.",
            "It sounds tiny, but it's the first time in ages I've done something just because it's good for me and not because it's on a list.",
        ],
    ),
    ("P3", ["Can I be a bit critical for a second?"]),
    ("M", ["Of course, please."]),
    (
        "P3",
        [
            "I think the programme's been useful, I really do. But I also feel like it puts the responsibility on us. We're short-staffed, the workload has doubled since the reorganisation, and now we're being taught to breathe through it.",
            "Breathing is fine. But it doesn't fix the rota.",
        ],
    ),
    ("P1", ["Yeah, that's fair."]),
    (
        "P4",
        [
            "I'm only on a temporary contract, so I don't really feel I can say no to anything. The breathing helps me get through the day, but that's about it."
        ],
    ),
    (
        "M",
        [
            "Thank you, that's really important. What would need to change at work for the things you've learned to actually stick?"
        ],
    ),
    (
        "P3",
        [
            "Honestly, managers taking part. If my manager did the course and then still emailed us at ten at night, what's the point?"
        ],
    ),
    ("P2", ["Yeah."]),
    (
        "P1",
        [
            "And time. Protected time. Not 'do it if you can fit it in', because we never can.",
            "If it's in the calendar like any other meeting, people will go. If it's optional on top of everything, they won't.",
        ],
    ),
    ("M", ["Mm. What about each other? Has the group itself mattered?"]),
    (
        "P2",
        [
            "Massively. I didn't know half of you before. Now I feel like I've got people I can text when it's a bad day."
        ],
    ),
    ("P3", ["That's true. That's probably the best bit, to be honest."]),
    ("M", ["Okay. Let's pause there and come back to boundaries after the break."]),
]

EN2 = [
    (
        "M",
        [
            "Right, so this is the second session. Today I'd like to talk about boundaries, and about putting yourselves first, which I know is a bit of a loaded phrase."
        ],
    ),
    ("P1", ["Very loaded."]),
    ("M", ["Yeah. So who wants to kick us off?"]),
    (
        "P2",
        [
            "I will. I think for me the hardest thing is that putting myself first feels selfish. I was brought up to think you look after everyone else and then, if there's anything left, you look after yourself.",
            "And at work that's even stronger, because we're in a caring profession. Saying no feels like letting the patients down.",
        ],
    ),
    ("P3", ["Mhm."]),
    ("M", ["Has the programme shifted that at all?"]),
    (
        "P2",
        [
            "A bit. The teacher said something that stuck with me, that you can't pour from an empty cup. I know it's a cliché.",
            "But I've started to think of rest as part of doing the job well, rather than the opposite of it.",
        ],
    ),
    ("P1", ["I like that."]),
    (
        "P3",
        [
            "For me it's been about the phone. I've stopped answering work calls on my days off. The first time I let it ring out I felt sick, honestly."
        ],
    ),
    ("M", ["What happened?"]),
    (
        "P3",
        [
            "Nothing. They rang someone else. Which was sort of a relief and sort of a little bit insulting."
        ],
    ),
    ("P2", ["Yeah, I know that feeling."]),
    (
        "P1",
        [
            "I've been trying to set boundaries with my team, but it's harder when you're the one in the middle. My manager expects one thing, my team needs another, and I'm the buffer.",
            "The programme gave me words for it, though. I can say 'I notice I'm stretched thin' instead of just snapping at people.",
        ],
    ),
    ("M", ["Mm. And how do people respond when you say that?"]),
    (
        "P1",
        ["Surprisingly well. One of my team said it made it easier for her to say the same thing."],
    ),
    (
        "P4",
        [
            "Can I just add something? I've been really quiet. I just wanted to say that hearing all of you makes me feel less mad. I thought it was only me."
        ],
    ),
    ("P2", ["Aw. It's definitely not only you."]),
    (
        "M",
        [
            "That feels like a good moment to ask about the group. What has it meant to do this together?"
        ],
    ),
    (
        "P3",
        [
            "It's made it feel normal. Like, we're all struggling with the same system, it's not a personal failing.",
            "And I think that's quite political, actually. If we talk about it together, we can also push for changes together.",
        ],
    ),
    ("P2", ["Yes."]),
    ("M", ["Okay, lovely. Shall we take five minutes?"]),
]


DA3 = [
    (
        "M",
        [
            "Så er vi i gang igen. Sidst talte vi meget om jer selv. I dag vil jeg gerne spørge ind til ledelsen og rammerne.",
            "Hvordan oplever I, at jeres ledere har taget imod forløbet?",
        ],
    ),
    (
        "P2",
        [
            "Blandet, vil jeg sige. Min leder var positiv på mailen, men da jeg bad om at gå tidligere om torsdagen for at nå sessionen, var det pludselig et problem."
        ],
    ),
    ("M", ["Mm."]),
    (
        "P2",
        [
            "Og så sidder man der og skal forhandle om noget, som ledelsen selv har sat i gang. Det er lidt absurd.",
            "Jeg endte med at tage det som afspadsering. Det siger vel det hele.",
        ],
    ),
    ("P1", ["Ja."]),
    (
        "P3",
        [
            "Hos os er det faktisk gået godt. Vores afdelingsleder har selv været med på to af gangene, og det har gjort en forskel, at hun har siddet på gulvet sammen med os."
        ],
    ),
    ("M", ["Hvad har det betydet?"]),
    (
        "P3",
        [
            "At det ikke bare er os, der skal lære at klare presset. Hun har også set, hvordan vi har det.",
            "Efter anden gang flyttede hun et af vores morgenmøder, så vi ikke starter dagen med at blive overfaldet af opgaver. Det er en lille ting, men man mærker det.",
        ],
    ),
    ("P2", ["Det er jeg misundelig på."]),
    (
        "P1",
        [
            "Hos os er der ikke sket noget med rammerne. Vi har stadig for mange borgere pr. medarbejder, og vi løber stadig fra det ene besøg til det andet.",
            "Jeg bruger åndedrætsøvelsen i bilen mellem to besøg. Det hjælper mig. Men det er jo et plaster.",
            "Hvis man virkelig ville noget, skulle man se på normeringen.",
        ],
    ),
    ("M", ["Ja. Jeg hører, at der er stor forskel på jeres afdelinger."]),
    ("P2", ["Mm, meget."]),
    (
        "P4",
        [
            "Jeg har kun været her et halvt år, men jeg har lagt mærke til, at de steder, hvor lederen er med, taler folk mere åbent om, hvordan de har det."
        ],
    ),
    ("M", ["Hvad tænker I, der skal til, for at det bliver mere ens?"]),
    (
        "P3",
        [
            "At lederne får deres eget forløb. Ikke et kursus i at motivere os, men et rum, hvor de selv kan mærke efter. De er jo også pressede."
        ],
    ),
    (
        "P1",
        ["Ja, det er rigtigt. Min leder sidder også og svarer mails klokken elleve om aftenen."],
    ),
    ("P2", ["Og så sender hun dem jo til os. Så ved man, at man også burde have svaret."]),
    ("M", ["Så grænserne hænger sammen hele vejen op."]),
    ("P2", ["Præcis."]),
    ("M", ["Godt. Lad os tage en sidste runde om, hvad I hver især tager med herfra."]),
    ("P3", ["Jeg tager pauserne med. Og modet til at sige, at jeg har brug for dem."]),
    (
        "P1",
        [
            "Jeg tager fællesskabet med. Jeg håber, vi bliver ved med at mødes, også når forløbet slutter."
        ],
    ),
]

DA4 = [
    (
        "M",
        [
            "Velkommen til sidste gang. Jeg vil gerne høre, hvad det har betydet for jer at prioritere jer selv, både på arbejdet og derhjemme."
        ],
    ),
    ("P3", ["Det er et stort spørgsmål."]),
    ("M", ["Ja, tag det i jeres eget tempo."]),
    (
        "P1",
        [
            "For mig har det nok betydet mest derhjemme, faktisk. Jeg har tre børn, og jeg har altid tænkt, at jeg først kunne tage mig af mig selv, når de var lagt i seng.",
            "Nu har jeg aftalt med min mand, at jeg får en halv time, når jeg kommer hjem. Jeg går ud i haven eller bare sidder i bilen og lytter til musik.",
            "Det lyder så lidt, men jeg er meget mindre kort for hovedet om aftenen.",
        ],
    ),
    ("P3", ["Mm."]),
    (
        "P2",
        [
            "Jeg er ikke helt der endnu. Jeg ved godt, hvad jeg burde gøre, men når der er travlt, falder det første væk, og det er mig selv."
        ],
    ),
    ("M", ["Hvad tror du, det handler om?"]),
    (
        "P2",
        [
            "Skyldfølelse, tror jeg. Hvis jeg holder fri, føler jeg, at jeg svigter nogen. Mine kolleger eller beboerne."
        ],
    ),
    ("P3", ["Det kender jeg godt."]),
    ("P2", ["Men jeg er begyndt at tale om det. Det er nyt. Før sagde jeg bare, at det gik fint."]),
    ("M", ["Ja."]),
    (
        "P3",
        [
            "For mig har det handlet om at mærke, hvornår jeg har fået nok. Jeg har haft stress for fire år siden, og jeg kunne slet ikke mærke det, før det var for sent.",
            "Nu kan jeg mærke de små tegn. At jeg ikke kan huske ting, at jeg får ondt i kæben. Og så ved jeg, at jeg skal skrue ned.",
            "Det er det vigtigste, jeg har fået ud af forløbet, helt sikkert.",
        ],
    ),
    ("P1", ["Det er godt, du siger det."]),
    ("M", ["Har I kunnet bruge hinanden i det?"]),
    (
        "P4",
        [
            "Jeg vil gerne sige, at jeg har været glad for, at vi har skrevet sammen mellem gangene. Det har holdt mig oppe."
        ],
    ),
    ("P1", ["Ja, den lille gruppe på telefonen har været guld værd."]),
    ("P2", ["Mm, helt sikkert."]),
    ("M", ["Hvis I skulle give et råd til næste hold, hvad skulle det så være?"]),
    ("P3", ["Tag det alvorligt, også når det føles fjollet. Det er ikke fjollet."]),
    ("P2", ["Og sig det til jeres leder i god tid, så I ikke skal forhandle om det hver gang."]),
    ("M", ["Tak. Det er et godt sted at slutte."]),
]

EN3 = [
    (
        "M",
        [
            "Okay, we're recording. So tonight we've got a few of you from the night team, which I'm really glad about, because nights are often left out of these conversations."
        ],
    ),
    ("P1", ["Always."]),
    ("M", ["So let's start there. How has the programme fitted around night shifts?"]),
    (
        "P1",
        [
            "Badly, to be honest. The sessions are at two in the afternoon, which is basically the middle of my night. I did three of them on about four hours' sleep.",
            "I'm not complaining about the content. The content was good. It's just that nobody thought about us when they planned it.",
        ],
    ),
    ("P3", ["Yeah."]),
    (
        "P2",
        [
            "I ended up doing most of it with the recordings. Which works, sort of, but you miss the group bit."
        ],
    ),
    ("M", ["And the group bit matters?"]),
    (
        "P2",
        [
            "Hugely. On nights you're quite isolated anyway. There's three of us on a ward of thirty, and you don't see the day staff except at handover."
        ],
    ),
    ("P1", ["Mm."]),
    (
        "P3",
        [
            "What I have taken from it is the breathing at handover. Before I go in, I stand in the corridor for one minute and just breathe. It sounds daft.",
            "But handover used to be the worst bit of my shift. Everyone's tired, someone's annoyed, and you get twenty things thrown at you at once.",
            "Now I walk in a bit slower, and I think I hear more of what's actually said.",
        ],
    ),
    ("M", ["That's a lovely example."]),
    ("P1", ["I've started doing that too, actually. Since you mentioned it last time."]),
    (
        "P4",
        [
            "I've only done nights for a couple of months. For me the biggest thing was learning that it's okay to eat and sit down. I thought you had to be on your feet the whole time to look like you're working."
        ],
    ),
    ("P2", ["Oh, that's so common."]),
    ("M", ["What would make it easier to look after yourselves on nights?"]),
    (
        "P3",
        [
            "A proper break room that isn't a cupboard. And cover, so you can actually take the break without worrying about the call bells."
        ],
    ),
    (
        "P1",
        [
            "And not having managers email us about things we missed during the day when we're trying to sleep. That's a boundary thing too."
        ],
    ),
    ("P2", ["Yeah, definitely."]),
    ("M", ["Mm. Have any of you tried to set that boundary?"]),
    (
        "P1",
        [
            "I put an out-of-office on when I'm on nights now. It says I'm working nights and I'll reply when I'm back on days. Nobody's said anything.",
            "I wish I'd done it years ago, honestly.",
        ],
    ),
    ("M", ["Okay. Let's take a break there."]),
]

EN4 = [
    (
        "M",
        [
            "Right, welcome back, everyone. This group is all teaching staff, so I thought we could talk about boundaries with parents and with the job itself, because I know that came up a lot in the sessions."
        ],
    ),
    ("P2", ["It did."]),
    ("P1", ["Can I start with the emails?"]),
    ("M", ["Go ahead."]),
    (
        "P1",
        [
            "So parents can email us directly now, and they expect an answer the same evening. I used to answer at ten, eleven at night, because I felt if I didn't, I'd get a complaint.",
            "After the module on boundaries I wrote a line in my signature saying I reply within two working days. I was terrified.",
            "And it's been fine. One parent grumbled. Everyone else just adjusted.",
        ],
    ),
    ("P2", ["Mm."]),
    (
        "P3",
        [
            "I haven't managed that. Our head says we should be responsive. So it feels like the boundary isn't really mine to set."
        ],
    ),
    ("M", ["That's an important point. Who gets to set the boundary?"]),
    ("P3", ["Exactly. The programme talks about us choosing, but some of it isn't a choice."]),
    ("P1", ["Yeah."]),
    (
        "P2",
        [
            "For me it's marking. I've started leaving it at school two nights a week. Not every night, I'm not there yet, but two nights where the bag stays in my classroom.",
            "My partner noticed before I did. He said I was actually listening at dinner.",
        ],
    ),
    ("P1", ["That's lovely."]),
    ("M", ["What about awareness in the classroom itself? Has anything shifted there?"]),
    (
        "P3",
        [
            "Actually, yes. I notice when I'm getting wound up with a class. I can feel it in my chest now. Before, I'd just snap.",
            "Now sometimes I'll stop and get everyone to do thirty seconds of quiet, which is as much for me as for them.",
        ],
    ),
    ("P2", ["I've nicked that from you, by the way."]),
    (
        "P4",
        [
            "I'm a teaching assistant, so I'm not sure it's the same for me. But I did like that we were in the group on equal terms. Nobody pulled rank."
        ],
    ),
    ("M", ["Thank you. Has the group changed how you are with each other in the staffroom?"]),
    ("P1", ["I think so. We check in more. Someone will say, 'How are you really?' and mean it."]),
    ("P2", ["Mm, yeah."]),
    (
        "P3",
        [
            "And it's made it easier to say together that the workload isn't okay. It's harder to ignore six of us than one."
        ],
    ),
    ("M", ["Okay, let's leave it there for now. Thank you all."]),
]

DIALOGUES = {
    "DA1": DA1,
    "DA2": DA2,
    "DA3": DA3,
    "DA4": DA4,
    "EN1": EN1,
    "EN2": EN2,
    "EN3": EN3,
    "EN4": EN4,
}
LANG = {k: k[:2].lower() for k in DIALOGUES}
