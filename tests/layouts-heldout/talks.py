"""Six invented conversations for the held-out layout samples.

Each turn is (role, [paragraphs]); role 0 is the interviewer/moderator.
"""

# A (da): bike commuters and the municipality's new cycle lanes
A = [
    (
        0,
        [
            "Så kører optagelsen. Tak fordi I ville komme, selvom det regner. Vi skal snakke om jeres vej til arbejde på cykel, og hvad de nye cykelstier har betydet."
        ],
    ),
    (
        1,
        [
            "Ja, altså, jeg cykler 11 kilometer hver vej, fra Højby og ind til Rugårdsvej. Det har jeg gjort siden 2019."
        ],
    ),
    (0, ["Mm."]),
    (
        1,
        [
            "Og det var sådan: før var der ingen sti det sidste stykke, man kørte bare ude på vejen sammen med lastbilerne.",
            "Nu er der en rigtig sti. Jeg ved godt, at det lyder lille, men det har ændret hele turen for mig.",
        ],
    ),
    (2, ["Jeg er enig. Men jeg synes, krydset ved banegården er blevet værre."]),
    (0, ["Hvordan værre?"]),
    (
        2,
        [
            "Der er tre lysreguleringer lige efter hinanden. Hvis man rammer rødt ved den første, så står man der i fire-fem minutter. Jeg har faktisk taget tid på det en morgen, kl. 7:45, og det var fire minutter og tyve sekunder."
        ],
    ),
    (3, ["Ha, ja."]),
    (2, ["Så nu kører jeg udenom, ad Østre Stationsvej, selvom det er længere."]),
    (0, ["Er der nogen af jer, der har skrevet til kommunen om det?"]),
    (
        4,
        [
            'Det har jeg. Der er en formular på odense.dk/cykel, hvor man kan melde fejl. Jeg fik et svar efter tre uger, hvor der stod "tak for din henvendelse, vi tager den med i den videre planlægning".'
        ],
    ),
    (1, ["Det er jo det, de altid skriver."]),
    (4, ["Præcis. Men de har så rent faktisk ændret lyset siden, så måske hjalp det."]),
    (0, ["Hvad med vinteren? Det er jo der, mange stopper."]),
    (
        3,
        [
            "Jeg stopper i november. Jeg har prøvet at fortsætte, men når det er mørkt både når jeg tager hjemmefra og når jeg kommer hjem, så orker jeg det ikke.",
            "Og så er der saltet. Min cykel rustede simpelthen sammen den første vinter.",
            "- så nu tager jeg bussen fra 1. december til 1. marts, det er min regel.",
        ],
    ),
    (0, ["Okay."]),
    (1, ["Jeg kører hele året. Men jeg har også pigdæk."]),
    (2, ["Mm."]),
    (0, ["Vi mødes igen den 14. kl. 10:30, samme sted. Tak for i dag, alle sammen."]),
]

# B (en): community garden volunteers
B = [
    (
        0,
        [
            "Okay, it's recording. So, thanks for staying after the work day. I want to hear about how the garden actually runs, not how it's supposed to run on paper."
        ],
    ),
    (1, ["On paper it runs beautifully."]),
    (0, ["Right, yeah."]),
    (
        1,
        [
            "No, honestly, the rota is the thing. We've got about 40 people on the mailing list and maybe 12 who actually turn up. And it's the same 12 every Saturday."
        ],
    ),
    (2, ["I'd say it's fewer than 12 in winter."]),
    (1, ["In winter it's me, Gwen and a wheelbarrow."]),
    (3, ["Yeah."]),
    (0, ["What made you start coming, Gwen?"]),
    (
        2,
        [
            "My GP, actually. In 2021 I was off work with my back, and she said: have you tried something outdoors that isn't a gym? And there was a poster in the surgery.",
            "So I came along, and I didn't do anything the first three weeks. I just sat on the bench by the compost bins and drank tea. Nobody made me feel bad about that.",
            "That's the bit I'd want you to write down, if you write one thing down.",
        ],
    ),
    (0, ["I will."]),
    (4, ["Can I add something about the money side?"]),
    (0, ["Please."]),
    (
        4,
        [
            "We got a grant of 2,500 pounds last year, and half of it went on insurance. People don't think about that. The council says we need public liability cover because of the open days, and that's 1,200 a year on its own."
        ],
    ),
    (1, ["It's ridiculous."]),
    (
        4,
        [
            "It's the rules. But it means we can't really plan. We're always waiting for the next application to come through, and the portal, it's at grants.example.org/apply, logs you out every 15 minutes."
        ],
    ),
    (3, ["Mm-hm."]),
    (0, ["Okay. We've got about ten minutes left. Is there anything we haven't talked about?"]),
    (
        5,
        [
            "Just that the kids from the primary school come on Thursdays at 1:15 and it's the best hour of the week."
        ],
    ),
    (0, ["That's a lovely place to stop. Thank you, everyone."]),
]

# C (da): home care workers and the route planning app
C = [
    (
        0,
        [
            "Velkommen. Vi skal tale om den nye ruteplan-app, som I fik i foråret. Jeg vil gerne høre, hvordan en helt almindelig vagt ser ud nu."
        ],
    ),
    (
        1,
        [
            "En almindelig vagt starter kl. 6:50. Man logger ind på telefonen, og så får man sin liste. I går havde jeg 14 borgere, og appen mente, at jeg kunne nå det på seks timer."
        ],
    ),
    (0, ["Mm."]),
    (
        1,
        [
            "Men den regner ikke med, at fru Hansen på 94 skal have hjælp til at finde sine briller, før hun kan tage sin medicin. Den regner med, at besøget tager 12 minutter, fordi det står sådan i visitationen."
        ],
    ),
    (2, ["Ja."]),
    (1, ["Så jeg er bagud allerede ved den tredje borger, hver dag."]),
    (
        3,
        [
            "Jeg synes faktisk, den er bedre end papirlisterne. Det er det ingen, der siger højt, men før brugte vi en halv time om morgenen på at ringe rundt og bytte."
        ],
    ),
    (0, ["Hvad er bedre ved den?"]),
    (
        3,
        [
            "At man kan se, hvor de andre er. Hvis Jonas er færdig tidligt, kan han tage en af mine. Det var svært før.",
            "Og så er der noteringen. Før skrev man i en bog hjemme hos borgeren, og hvis man glemte det, var det væk.",
        ],
    ),
    (2, ["Men notaterne er jo også blevet kortere."]),
    (3, ["Det er rigtigt."]),
    (
        2,
        [
            'Der er et felt med 200 tegn. Det er sådan: man skriver "morgenpleje ok, spiste lidt", og så er det det. Alt det, man egentlig lagde mærke til, det kommer ikke med.'
        ],
    ),
    (0, ["Hvad er det, man lægger mærke til, som ikke kommer med?"]),
    (
        2,
        [
            "At hun har ondt i hoften igen. At datteren ikke har været der i to uger. At der står tre liter mælk i køleskabet, der er gået over dato.",
            "Det er jo ikke opgaver. Men det er det, man skal vide, hvis man kommer der dagen efter.",
        ],
    ),
    (4, ["Jeg ringer bare til den næste, altså til kollegaen. Det gør de fleste af os."]),
    (
        0,
        [
            "Okay. Så vi har nogle minutter tilbage. Er der noget, I gerne vil sige til dem, der har lavet appen?"
        ],
    ),
    (1, ["At de skal tage med ud en dag. Bare én dag."]),
    (3, ["Ja, det ville være godt."]),
    (0, ["Tak. Så slutter vi der."]),
]

# D (en): small business owners and switching to online bookkeeping
D = [
    (
        0,
        [
            "Hi everyone, thanks for joining. I think we're all here except Tom, who said he might be late. So this is about moving your books online, and how that went."
        ],
    ),
    (1, ["Badly, at first."]),
    (0, ["Okay, tell me."]),
    (
        1,
        [
            "So I run a bike repair shop, it's me and one part-timer. My accountant said in 2022: you have to go digital by April, it's the law now. Which wasn't quite true, it turned out, but I didn't know that.",
            "I signed up for the first package I found. It was 28 pounds a month. And then I discovered the bank feed only worked with two of my three accounts.",
        ],
    ),
    (2, ["Same thing happened to me."]),
    (1, ["Right? And nobody tells you that until you've imported six months of receipts."]),
    (
        3,
        [
            "For me the receipts are the whole problem. I do catering. I have a shoebox. I'm not joking, it's an actual shoebox, it says \"Clarks\" on the side."
        ],
    ),
    (0, ["Yeah."]),
    (
        3,
        [
            "The app wants me to take a photo of every receipt at the time. But at the time I'm carrying 40 trays of sandwiches."
        ],
    ),
    (2, ["Mm."]),
    (0, ["Has anything got easier?"]),
    (
        2,
        [
            "Invoicing, definitely. I used to do invoices in a Word template on a Sunday night. Now it's two clicks and it chases people for me.",
            "The reminder goes out automatically after 14 days. I used to hate writing those emails, so that alone is worth it.",
        ],
    ),
    (4, ["Sorry, I'm here, the train was stuck outside Reading."]),
    (0, ["No worries, Tom. We're on what's got easier."]),
    (4, ["Oh. Honestly? Nothing. I went back to the spreadsheet."]),
    (1, ["Ha."]),
    (
        4,
        [
            "I mean it. I tried for three months, I spent about 9 hours on the phone to support, and at the end of it my VAT return was still wrong by 312 pounds. So: back to the spreadsheet."
        ],
    ),
    (5, ["I'm mostly listening today, but I'm with Tom on that one."]),
    (0, ["Okay. That's really useful, actually. Let's take a short break and come back at 3:15."]),
]

# E (da): volunteers in a library homework cafe
E = [
    (
        0,
        [
            "Godt, nu optager den. Vi er her i dag, fordi biblioteket gerne vil vide, hvordan det går i lektiecaféen. Måske I først lige vil sige, hvor længe I har været med?"
        ],
    ),
    (1, ["Jeg har været med siden august 2018. Så det er vist seks år nu."]),
    (
        2,
        [
            "Jeg startede sidste efterår. Jeg er pensioneret matematiklærer, så jeg tager mest matematik og fysik."
        ],
    ),
    (0, ["Og hvordan ser en typisk tirsdag ud?"]),
    (
        1,
        [
            "Vi åbner kl. 15:00. Der kommer typisk 20 til 25 elever, de fleste fra 7. til 9. klasse. De første kvarter er der kaos, og så falder det til ro.",
            "Der er nogen, der bare vil sidde et sted, hvor der er stille. Det er også helt fint. Ikke alle kommer for at få hjælp.",
            "Og så er der nogen, der kommer hver eneste gang og aldrig siger noget, og så en dag spørger de om noget helt andet, om en ansøgning eller et brev fra kommunen.",
        ],
    ),
    (0, ["Ja."]),
    (
        3,
        [
            "Det er faktisk det, jeg gerne vil tale om. Vi bliver mere og mere en slags rådgivning. Sidste uge hjalp jeg en mor med at finde ud af MitID, og det tog 40 minutter."
        ],
    ),
    (2, ["Mm."]),
    (
        3,
        [
            "Og det er vi ikke uddannet til. Jeg vil gerne hjælpe, men jeg er bange for at gøre noget forkert."
        ],
    ),
    (0, ["Har I talt med biblioteket om det?"]),
    (
        3,
        [
            'Ja, og de sagde: "henvis til borgerservice". Men borgerservice har åbent til kl. 14, og hun arbejder.'
        ],
    ),
    (4, ["Må jeg lige sige noget til det?"]),
    (0, ["Selvfølgelig."]),
    (
        4,
        [
            "Jeg er ny, jeg har kun været her tre gange. Men jeg synes, det er det fineste ved stedet, at man kan spørge om alt. Det skal man ikke tage væk."
        ],
    ),
    (1, ["Nej, det er jeg enig i."]),
    (2, ["Men vi skal have nogen at ringe til. En telefonliste eller noget. Ét nummer."]),
    (0, ["Okay. Det skriver jeg ned. Tak for i dag, det var rigtig godt."]),
]

# F (en): rural bus users
F = [
    (
        0,
        [
            "Right, we're recording. Thanks for coming down to the hall. I want to talk about the number 42 bus and what happened when the timetable changed in September."
        ],
    ),
    (1, ["What happened is it stopped."]),
    (0, ["Yeah, tell me about that."]),
    (
        1,
        [
            "So before, there was a bus at 7:10 and one at 8:40, and then hourly until six. Now the first one is 9:25. I work at the care home in town and my shift starts at eight. So I can't use it at all.",
            "2 of us on our lane are in the same boat. I've started getting a lift from my neighbour, but she's retiring in March, so I don't know what I'll do then.",
            "I've looked at a car. I can't afford a car. The insurance alone for someone my age is something like 1,800 a year.",
        ],
    ),
    (2, ["That's terrible."]),
    (
        3,
        [
            "For me it's the last bus back. It's 5:50 now. If I go to the hospital for an appointment in the afternoon, I'm stuck."
        ],
    ),
    (0, ["Mm."]),
    (3, ["Last time I waited for a taxi for an hour and it cost 38 pounds."]),
    (
        4,
        [
            'Can I say, the app is part of it as well. They say "check the app for live times", but there\'s no signal at the stop by the chapel.'
        ],
    ),
    (2, ["None at all."]),
    (
        4,
        [
            "So you stand there, and the app says 4 minutes, and then it says 12, and then it disappears."
        ],
    ),
    (0, ["Okay."]),
    (
        2,
        [
            'I wrote to the council. I\'ve got the reply here, actually. It says: "the service was reviewed in line with usage figures". Well, of course usage went down, the bus is at the wrong time.'
        ],
    ),
    (5, ["I just want to say, I'm 81, and the bus is how I see people. That's all."]),
    (0, ["Thank you. That matters a lot."]),
    (1, ["It does."]),
    (0, ["We'll do the next one on the 19th, same time, 2 o'clock. Thanks, everyone."]),
]

# E as typed by hand in oTranscribe / Word: the researcher kept an emoji and a link the volunteer read out
E_TYPED = list(E)
E_TYPED[6] = (
    3,
    [
        'Det er faktisk det, jeg gerne vil tale om. Vi bliver mere og mere en slags rådgivning. Sidste uge hjalp jeg en mor med at finde ud af MitID, og det tog 40 minutter. Hun sendte en sms bagefter, der bare sagde "tak ❤️🙏".',
        "Jeg sendte hende linket til https://www.mitid.dk/hjaelp/, men det er jo ikke det samme som at sidde ved siden af en.",
    ],
)
