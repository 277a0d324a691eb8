"""English prompt templates (every category) and slot pools."""

from __future__ import annotations

from tokencensus.simulate.templates.base import Template as T

AGENT = ("You are a coding agent working inside the user's repository at {repo}. Use the tools "
         "to read files, run commands and apply edits. Keep diffs minimal, run the test suite "
         "before you finish, and explain what you changed in two or three sentences.")
CARD = ("You are {char}, {char_desc}. Personality: {traits}. Scenario: {scenario}\n"
        "Stay in character at all times, write in third person past tense, describe {char}'s "
        "actions and feelings vividly, and never speak or act for {{{{user}}}}.")

TEMPLATES: dict[str, tuple[T, ...]] = {
    "programming": (
        T("Programming/Other", "{snippet}\n\n{ask_fix}", weight=3),
        T("Programming/Other", "I'm getting this error after upgrading {dep}. {snippet}\n\n"
          "It worked fine before the upgrade. What changed and how do I fix it properly?"),
        T("Programming/Other", "Here's {file}\n\nRefactor this so it {refactor_goal}. Keep "
          "the public API the same and add tests.", system=AGENT, weight=2),
        T("Development Tools", "Our pipeline started failing this morning:\n\n{config}\n\n"
          "{ask_fix}", weight=2),
        T("Development Tools", "How do I set up {tool} in a monorepo with {stack}? I want "
          "{tool_goal}. Show me the config files."),
        T("Software/Databases", "This query is way too slow on {db}:\n\n{query}\n\nWhat index "
          "or rewrite would help? The orders table has about {rows} rows."),
    ),
    "roleplay": (
        T("Roleplaying Games", "*{action}* \"{line}\"", system=CARD, weight=4),
        T("Roleplaying Games", "[OOC: let's continue from where we left off in {place}.] "
          "*{action}*", system=CARD, weight=2),
        T("Writers Resources", "I'm writing a {genre} novel. In chapter {num}, my protagonist "
          "{plot}. Write the next scene in about 800 words, {style}."),
        T("Adult", "*{action}* \"{flirt}\"", system=CARD + " The story is a slow-burn romance; "
          "keep intimacy tasteful and fade to black.", weight=1.5),
        T("Fan Fiction", "Write a fan fiction where {classic} meets a modern twist: {twist}. "
          "Keep the original voice of the characters."),
    ),
    "technology": (
        T("Consumer Electronics", "My {device} {symptom} since the last update. I already "
          "tried restarting and resetting network settings. Any other ideas?"),
        T("Computer Hardware", "Building a PC for {use} with a budget of about ${budget}. Is "
          "{cpu} with {gpu} a sensible pairing, and how much RAM should I get?"),
        T("Software", "What's the difference between {sw_a} and {sw_b} for {use}? I'm on "
          "{os} and care mostly about {priority}."),
        T("Networking", "Our office wifi drops every few minutes on the {floor} floor. We have "
          "{n_ap} access points and about {n_users} users. How do I figure out what's wrong?"),
    ),
    "science": (
        T("Machine Learning & AI", "I'm fine-tuning {ml_model} on {dataset} and the {ml_issue}. "
          "Learning rate is {lr}, batch size {bs}. What should I try first?", weight=3),
        T("Machine Learning & AI", "Explain {ml_concept} intuitively, then give the math. I "
          "understand linear algebra and basic probability.", weight=2),
        T("Physics", "Why does {physics_q}? Please explain at the level of a first-year "
          "university student."),
        T("Chemistry", "In the reaction {reaction}, how do I work out the limiting reagent if I "
          "start with {grams} g of each reactant?"),
        T("Biology", "How does {bio_topic} work, and why does it matter for {bio_context}?"),
    ),
    "translation": (
        T("Foreign Language Resources", "Translate into {target_lang}, keeping the tone "
          "{tone}:\n\n{passage}", weight=2),
        T("Foreign Language Resources", "What's the most natural way to say \"{phrase}\" in "
          "{target_lang}? Give a formal and an informal version."),
        T("Translation & Localization", "Localize these app strings into {target_lang}. Keep "
          "the placeholders unchanged:\n\n{ui_strings}", weight=2),
    ),
    "health": (
        T("Health Conditions", "I'm {age} and for the past {duration} I've had {body_symptom}. "
          "{extra}. Should I be worried, and what kind of doctor should I see?", weight=2),
        T("Nutrition & Fitness", "I want to {fitness_goal}. I'm {age}, train {sessions} times "
          "a week. Can you suggest a weekly plan and how much protein I need?"),
        T("Pharmacy", "Is it safe to take {drug_a} together with {drug_b}? My doctor "
          "prescribed {drug_a} for {condition}."),
        T("Mental Health", "Lately I {mh_issue}. What are some practical things I can do, "
          "and when should I talk to a professional?"),
    ),
    "finance": (
        T("Investing", "I'm {age} with ${amount} in savings. Should I put it in {invest_a} or "
          "{invest_b}? My horizon is about {years} years."),
        T("Accounting & Taxes", "As a freelancer in {region}, can I deduct {expense}? My income "
          "last year was around ${amount}."),
        T("Personal Finance", "Help me build a monthly budget: take-home pay ${amount}, rent "
          "${rent}, and I want to {money_goal}."),
        T("Investing", "Explain how {fin_concept} works and what risks it carries for a "
          "retail investor."),
    ),
    "academia": (
        T("Academic Writing", "Can you tighten this paragraph from my {paper_type} and make the "
          "argument clearer?\n\n\"{academic_para}\""),
        T("Homework Help", "{homework}"),
        T("Research Methods", "For my thesis on {thesis}, should I use {method_a} or "
          "{method_b}? I have {n} participants."),
    ),
    "legal": (
        T("Contracts", "Can you review this clause from a {contract} and tell me if it's "
          "unusual or risky for me as the {party}?\n\n\"{clause}\"", weight=2),
        T("Employment Law", "My employer in {region} {employment_issue}. Is that legal, and "
          "what are my options?"),
        T("Privacy & Data Protection", "We're a {company} that stores {data_kind}. What do we "
          "need to do to comply with {regulation}?"),
        T("Intellectual Property", "Can I {ip_action} without infringing copyright or "
          "trademark? It's for {ip_context}."),
    ),
    "marketing": (
        T("Advertising", "Write {n} ad headlines and descriptions for {product}, aimed at "
          "{audience}. Tone: {tone}. Max 90 characters per description."),
        T("Social Media Marketing", "Plan a two-week {platform} content calendar for "
          "{product}. We post {sessions} times a week and our audience is {audience}."),
        T("Email Marketing", "Draft a {email_kind} email for {product}. Subject line "
          "options too, please."),
    ),
    "marketing/seo": (
        T("Search Engine Optimization", "Write an SEO brief for a blog post targeting "
          "\"{keyword}\". Include search intent, H2/H3 outline, related keywords and a meta "
          "description under 155 characters.", weight=2),
        T("Search Engine Optimization", "Our page {url} dropped from position {rank} to "
          "{rank2} for \"{keyword}\" after the last core update. What should we audit first?"),
        T("Search Engine Optimization", "Suggest title tags and meta descriptions for these "
          "category pages of a {shop} store: {pages}."),
    ),
    "trivia": (
        T("Quizzes & Trivia", "{trivia_q}", weight=3),
        T("History", "Quick question: {history_q}"),
        T("Geography", "{geo_q}"),
    ),
    "other": (
        T("Casual Chat", "{chat}", weight=2),
        T("Summarization", "Summarize this in three bullet points:\n\n{passage}"),
        T("Data Extraction", "Extract the name, company, email and requested meeting date "
          "from this message as JSON:\n\n{email_text}"),
    ),
}

SLOTS: dict[str, tuple[str, ...]] = {
    "ask_fix": ("What's causing this and how do I fix it?", "Why does this happen? Please "
                "explain the root cause, not just a workaround.", "Can you fix this?",
                "I've been stuck on this for an hour, any idea?", "fix pls"),
    "dep": ("pandas 2.2", "React 19", "Spring Boot 3.3", "Next.js 15", "SQLAlchemy 2.0",
            "Go 1.23", "aiohttp 3.10"),
    "repo": ("/workspace/billing-service", "/home/dev/webapp", "/repo", "~/code/queue-worker"),
    "refactor_goal": ("handles partial refunds", "supports multiple currencies",
                      "is safe to call from several goroutines", "no longer re-renders on "
                      "every keystroke", "uses dependency injection instead of globals"),
    "tool": ("ESLint and Prettier", "Turborepo", "pre-commit hooks", "Vitest", "Bazel",
             "Renovate"),
    "stack": ("a Next.js app and two Node services", "Python services managed by uv",
              "a Go backend and a React frontend"),
    "tool_goal": ("shared rules but per-package overrides", "caching in CI",
                  "checks to run only on changed files"),
    "db": ("Postgres 16", "MySQL 8", "a read replica", "Aurora"),
    "rows": ("12 million", "800k", "40 million", "3 million"),
    "action": ("leans against the doorframe, arms crossed", "slides a folded map across the "
               "table", "draws her sword and steps between you and the stranger",
               "glances nervously at the tavern door", "laughs and tosses you the keys",
               "kneels beside the wounded scout"),
    "line": ("You really think the guild will let us walk out of here?", "Tell me everything "
             "you saw at the harbor last night.", "We ride at dawn. Are you with me or not?",
             "I didn't expect to see you again, not after what happened in Vel'Mora."),
    "char": ("Kaelen", "Mira Ashford", "Captain Ysolde Varga", "Rook", "Lady Seraphine",
             "Dr. Elias Thorne", "Nyx"),
    "char_desc": ("a cynical mercenary with a soft spot for strays", "a brilliant but "
                  "reckless airship engineer", "the exiled heir of a northern kingdom",
                  "a soft-spoken librarian who secretly practices forbidden magic",
                  "a detective in a rain-soaked cyberpunk city"),
    "traits": ("sarcastic, loyal, hates being thanked", "curious, impulsive, fiercely "
               "protective", "calm, calculating, haunted by her past",
               "warm, teasing, stubborn"),
    "scenario": ("{{user}} has just been hired as a guard on a dangerous caravan route.",
                 "{{user}} crash-landed near the outpost {{char}} runs.",
                 "{{user}} and {{char}} are stuck in a snowed-in mountain inn.",
                 "{{user}} is a new recruit on {{char}}'s smuggling ship."),
    "place": ("the ruined chapel", "the night market", "the airship's engine room",
              "the border checkpoint"),
    "genre": ("fantasy", "science fiction", "mystery", "historical romance", "horror"),
    "num": ("3", "7", "12", "18"),
    "plot": ("finally confronts her estranged father", "discovers the map is a forgery",
             "has to choose between saving the city and saving his brother"),
    "style": ("in close third person", "with lots of dialogue", "in a tense, clipped style"),
    "flirt": ("You keep staring. Should I be flattered or worried?", "Stay a little longer. "
              "The storm isn't letting up anyway.", "Dance with me. Just one song."),
    "classic": ("Sherlock Holmes", "Elizabeth Bennet and Mr. Darcy", "Count Dracula",
                "Captain Nemo"),
    "twist": ("the story is set in a present-day startup", "everyone is stuck in a time loop",
              "the villain is the narrator"),
    "device": ("iPhone 15", "Pixel 8", "Samsung Galaxy S24", "MacBook Air M2",
               "Sony WH-1000XM5 headphones", "Kindle Paperwhite"),
    "symptom": ("drains the battery overnight", "keeps disconnecting from Bluetooth",
                "won't charge past 80%", "gets really hot when charging"),
    "use": ("4K video editing", "gaming at 1440p", "running local LLMs", "software "
            "development"),
    "budget": ("1200", "1800", "2500"),
    "cpu": ("a Ryzen 7 7800X3D", "an Intel Core i5-14600K", "a Ryzen 9 7950X"),
    "gpu": ("an RTX 4070 Super", "an RX 7900 XT", "an RTX 4090"),
    "sw_a": ("Docker Desktop", "Notion", "VS Code", "Obsidian", "Proxmox"),
    "sw_b": ("Podman", "Obsidian", "JetBrains Fleet", "Logseq", "VMware ESXi"),
    "os": ("Windows 11", "macOS Sonoma", "Ubuntu 24.04"),
    "priority": ("performance", "privacy", "ease of setup", "price"),
    "floor": ("second", "third", "ground"),
    "n_ap": ("3", "5", "8"),
    "n_users": ("40", "120", "75"),
    "ml_model": ("Llama 3 8B with LoRA", "a BERT classifier", "a ResNet-50", "a small "
                 "GPT-2", "a ViT-B/16"),
    "dataset": ("our support tickets", "a 20k-image product dataset", "legal contracts",
                "customer reviews"),
    "ml_issue": ("validation loss starts going up after epoch 2", "loss goes to NaN after a "
                 "few hundred steps", "accuracy is stuck at the majority class"),
    "lr": ("2e-4", "1e-3", "5e-5"),
    "bs": ("16", "64", "8"),
    "ml_concept": ("attention in transformers", "the reparameterization trick in VAEs",
                   "why batch norm helps training", "contrastive learning",
                   "RLHF and DPO", "mixture-of-experts routing"),
    "physics_q": ("the sky look blue but sunsets look red", "a spinning top not fall over",
                  "time pass slower near a massive object", "ice float on water"),
    "reaction": ("2H2 + O2 -> 2H2O", "N2 + 3H2 -> 2NH3", "CH4 + 2O2 -> CO2 + 2H2O"),
    "grams": ("10", "25", "4.5"),
    "bio_topic": ("CRISPR-Cas9 gene editing", "mRNA vaccine design", "the Krebs cycle",
                  "horizontal gene transfer in bacteria"),
    "bio_context": ("antibiotic resistance", "cancer therapy", "crop breeding"),
    "target_lang": ("French", "German", "Japanese", "Spanish", "Brazilian Portuguese",
                    "Korean", "Italian", "Simplified Chinese"),
    "tone": ("friendly but professional", "formal", "casual", "persuasive"),
    "passage": (
        "Thanks for your order! Your package left our warehouse this morning and should "
        "arrive within three to five business days. If anything is missing or damaged, reply "
        "to this email and we'll sort it out right away.",
        "The city council voted on Tuesday to extend the night bus network to the northern "
        "suburbs, citing a 40 percent increase in late-evening ridership since the new "
        "stadium opened. The extension will run on a trial basis until the end of next year.",
        "Our quarterly results show steady growth in subscription revenue, offset by higher "
        "cloud costs. We expect margins to improve as the migration to the new data platform "
        "completes in the second half."),
    "phrase": ("I'm running a bit late, sorry", "Could you send me the invoice again?",
               "Let's keep in touch", "That's not what I meant"),
    "ui_strings": ('"cart.empty": "Your cart is empty"\n"cart.items": "{{count}} items in '
                   'your cart"\n"checkout.cta": "Proceed to checkout"',
                   '"auth.forgot": "Forgot your password?"\n"auth.sent": "We sent a link '
                   'to {{email}}"\n"auth.expired": "This link has expired"'),
    "age": ("34", "27", "52", "19", "45", "61"),
    "duration": ("two weeks", "three days", "a month", "several months"),
    "body_symptom": ("a dull headache behind my eyes", "lower back pain when I sit",
                     "a dry cough that won't go away", "tingling in my left hand",
                     "heartburn after almost every meal"),
    "extra": ("It gets worse in the evening", "I don't have a fever", "Ibuprofen helps a "
              "little", "It started after a long flight"),
    "fitness_goal": ("lose about 8 kg", "run a half marathon", "build muscle without a gym",
                     "improve my posture"),
    "sessions": ("3", "4", "5"),
    "drug_a": ("sertraline", "lisinopril", "metformin", "amoxicillin"),
    "drug_b": ("ibuprofen", "St. John's wort", "grapefruit juice", "an antihistamine"),
    "condition": ("anxiety", "high blood pressure", "type 2 diabetes", "a sinus infection"),
    "mh_issue": ("can't fall asleep before 3am", "feel anxious before every meeting",
                 "have lost interest in things I used to enjoy"),
    "amount": ("15,000", "40,000", "120,000", "3,200", "5,500"),
    "rent": ("1,400", "900", "2,100"),
    "invest_a": ("an S&P 500 index fund", "a high-yield savings account", "bonds"),
    "invest_b": ("individual tech stocks", "real estate", "a target-date fund"),
    "years": ("5", "10", "25"),
    "region": ("California", "Germany", "the UK", "Ontario", "Texas"),
    "expense": ("my home office", "a new laptop", "coworking membership", "car mileage"),
    "money_goal": ("pay off a $9,000 credit card", "save for a house deposit",
                   "build a six-month emergency fund"),
    "fin_concept": ("a covered call", "dollar-cost averaging", "an ETF's expense ratio",
                    "margin trading", "a bond ladder"),
    "paper_type": ("master's thesis", "literature review", "conference paper"),
    "academic_para": ("Previous studies have shown that there is a relationship between "
                      "social media use and wellbeing, however the results are not "
                      "consistent and this could be because of many different factors that "
                      "have not been considered enough in the literature so far.",),
    "homework": ("Solve for x: 3x^2 - 12x + 9 = 0, and show each step.", "What were the main "
                 "causes of the French Revolution? I need five points for my essay.",
                 "Find the derivative of f(x) = x^3 ln(x) and explain the product rule.",
                 "Explain the difference between mitosis and meiosis for my biology exam."),
    "thesis": ("remote work and team cohesion", "urban heat islands", "bilingual education"),
    "method_a": ("semi-structured interviews", "a survey with Likert scales"),
    "method_b": ("a mixed-methods design", "thematic analysis of existing data"),
    "n": ("12", "150", "5", "30"),
    "contract": ("SaaS subscription agreement", "freelance contract", "commercial lease",
                 "NDA"),
    "party": ("customer", "contractor", "tenant", "receiving party"),
    "clause": ("The Provider may modify the Fees upon thirty (30) days' notice; continued "
               "use of the Services constitutes acceptance of the modified Fees.",
               "Contractor hereby assigns to Client all right, title and interest in any "
               "work product, including pre-existing materials incorporated therein.",
               "Tenant shall be responsible for all repairs to the Premises, including "
               "structural repairs, regardless of cause."),
    "employment_issue": ("wants me to sign a non-compete after I already started",
                         "hasn't paid overtime for three months",
                         "changed my shift schedule without notice"),
    "company": ("small e-commerce startup", "telehealth clinic", "B2B analytics company"),
    "data_kind": ("customer emails and purchase history", "patient appointment notes",
                  "IP addresses and usage logs"),
    "regulation": ("GDPR", "CCPA", "HIPAA"),
    "ip_action": ("use a song clip in my YouTube video", "name my bakery after a famous "
                  "cartoon", "sell prints of photos I took inside a museum"),
    "ip_context": ("a small side business", "a school project", "a nonprofit fundraiser"),
    "product": ("a meal-prep delivery service", "noise-cancelling earbuds", "a project "
                "management app for agencies", "an online Spanish course", "eco-friendly "
                "cleaning products"),
    "audience": ("busy parents", "remote software teams", "college students",
                 "small business owners"),
    "platform": ("Instagram", "LinkedIn", "TikTok"),
    "email_kind": ("welcome", "cart abandonment", "win-back", "product launch"),
    "keyword": ("best standing desk for small spaces", "how to start composting",
                "crm for real estate agents", "vegan protein sources"),
    "url": ("/blog/standing-desks", "/guides/composting", "/pricing"),
    "rank": ("3", "5", "2"),
    "rank2": ("14", "22", "9"),
    "shop": ("outdoor gear", "home decor", "pet supplies"),
    "pages": ("tents, sleeping bags, headlamps", "rugs, wall art, lamps",
              "dog beds, cat trees, leashes"),
    "trivia_q": ("Which planet has the most moons?", "Who painted The Girl with a Pearl "
                 "Earring?", "What's the smallest country in the world by area?",
                 "How many bones are in the adult human body?", "What element has the "
                 "symbol K?", "Which band released the album Rumours in 1977?"),
    "history_q": ("when did the Berlin Wall fall and why?", "who was the first emperor of "
                  "Rome?", "what started World War I?", "how long did the Hundred Years' "
                  "War actually last?"),
    "geo_q": ("What's the longest river in Asia?", "Which countries border Bolivia?",
              "What is the capital of Australia and why isn't it Sydney?"),
    "chat": ("hey, how's it going? just bored at work lol", "can you recommend a good sci-fi "
             "book like Project Hail Mary?", "tell me a joke about programmers",
             "what should I cook tonight with chicken, rice and spinach?"),
    "email_text": ("Hi, this is Dana Whitfield from Northwind Logistics "
                   "(dana.whitfield@northwind.io). Could we meet on March 14 to go over the "
                   "renewal? Thursday afternoon works best for us.",
                   "Hello! Raj Patel here, procurement lead at Brightleaf Foods. Please reach "
                   "me at raj.patel@brightleaf.co. Are you free on 2 October for a demo?"),
}
