"""German, French, Japanese, Korean and Portuguese templates for the commonest categories.

Requests in these languages for other categories are written in English (the
row's language then says ``en``), as many non-native users of these APIs do.
"""

from __future__ import annotations

from tokencensus.simulate.templates.base import Template as T

LANGS: dict[str, tuple[dict[str, tuple[T, ...]], dict[str, tuple[str, ...]]]] = {
    "de": ({
        "programming": (
            T("Programming/Other", "{snippet}\n\nWoran liegt das und wie behebe ich es?", weight=3),
            T("Development Tools", "Seit heute Morgen schlägt unsere Pipeline fehl:\n\n{config}"
              "\n\nHast du eine Idee, was da los ist?"),
        ),
        "roleplay": (
            T("Roleplaying Games", "*{action}* „{line}“", system="Du bist {char}, {char_desc}. "
              "Bleib immer in der Rolle, erzähle in der dritten Person und sprich nie für den "
              "Nutzer."),
        ),
        "technology": (
            T("Consumer Electronics", "Mein {device} {symptom}, seit ich das letzte Update "
              "installiert habe. Neustart hat nichts gebracht. Was kann ich noch tun?"),
        ),
        "translation": (
            T("Foreign Language Resources", "Übersetze bitte ins {target_lang}, Ton {tone}:\n\n"
              "{passage}"),
        ),
        "trivia": (T("Quizzes & Trivia", "{trivia_q}"),),
        "other": (T("Casual Chat", "{chat}"),),
    }, {
        "action": ("lehnt sich mit verschränkten Armen an den Türrahmen", "schiebt dir eine "
                   "gefaltete Karte über den Tisch"),
        "line": ("Glaubst du wirklich, die Gilde lässt uns einfach gehen?", "Wir brechen im "
                 "Morgengrauen auf. Bist du dabei?"),
        "char": ("Kaelen", "Mira Falkenberg"),
        "char_desc": ("ein zynischer Söldner mit weichem Herz",
                      "eine geniale, aber leichtsinnige Ingenieurin"),
        "device": ("iPhone 15", "Pixel 8", "Laptop"),
        "symptom": ("verliert ständig die Bluetooth-Verbindung", "ist nach einer Stunde leer"),
        "target_lang": ("Englische", "Französische", "Spanische"),
        "tone": ("förmlich", "locker"),
        "passage": ("Vielen Dank für Ihre Bestellung! Ihr Paket hat heute Morgen unser Lager "
                    "verlassen und sollte in drei bis fünf Werktagen bei Ihnen sein.",),
        "trivia_q": ("Welcher Planet hat die meisten Monde?", "Wie viele Knochen hat ein "
                     "erwachsener Mensch?"),
        "chat": ("Hey, mir ist langweilig, lass uns ein bisschen quatschen", "Was koche ich "
                 "heute mit Hähnchen, Reis und Spinat?"),
    }),
    "fr": ({
        "programming": (
            T("Programming/Other", "{snippet}\n\nD'où vient cette erreur et comment la "
              "corriger ?", weight=3),
        ),
        "roleplay": (
            T("Roleplaying Games", "*{action}* « {line} »", system="Tu es {char}, "
              "{char_desc}. Reste toujours dans ton rôle, écris à la troisième personne et ne "
              "parle jamais à la place de l'utilisateur."),
        ),
        "translation": (
            T("Foreign Language Resources", "Traduis en {target_lang}, sur un ton {tone} :\n\n"
              "{passage}"),
        ),
        "health": (
            T("Health Conditions", "J'ai {age} ans et depuis {duration} j'ai {body_symptom}. "
              "Est-ce que je dois m'inquiéter ?"),
        ),
        "trivia": (T("Quizzes & Trivia", "{trivia_q}"),),
        "other": (T("Casual Chat", "{chat}"),),
    }, {
        "action": ("s'appuie contre le chambranle, les bras croisés", "glisse une carte pliée "
                   "sur la table"),
        "line": ("Tu crois vraiment que la guilde va nous laisser partir ?", "On part à "
                 "l'aube. Tu viens ou pas ?"),
        "char": ("Élise", "Capitaine Morvan"),
        "char_desc": ("une mercenaire cynique au grand cœur",
                      "un ingénieur brillant mais imprudent"),
        "target_lang": ("anglais", "allemand", "espagnol"), "tone": ("formel", "détendu"),
        "passage": ("Merci pour votre commande ! Votre colis a quitté notre entrepôt ce matin "
                    "et devrait arriver sous trois à cinq jours ouvrés.",),
        "age": ("34", "52"), "duration": ("deux semaines", "trois jours"),
        "body_symptom": ("des maux de tête le matin", "mal au bas du dos"),
        "trivia_q": ("Quelle planète a le plus de lunes ?", "Qui a peint La Liberté guidant "
                     "le peuple ?"),
        "chat": ("salut, je m'ennuie, on discute un peu ?", "tu me conseilles un bon roman de "
                 "science-fiction ?"),
    }),
    "ja": ({
        "programming": (
            T("Programming/Other",
              "{snippet}\n\nこのエラーの原因と直し方を教えてください。", weight=3),
        ),
        "roleplay": (
            T("Roleplaying Games",
              "*{action}*「{line}」", system="あなたは{char}、{char_desc}です。"
              "常にキャラクターを保ち、三人称で描写し、ユーザーの台詞や行動は書かないでください。"),
        ),
        "translation": (
            T("Foreign Language Resources", "次の文章を{target_lang}に翻訳してください。{tone}な"
              "トーンでお願いします。\n\n{passage}"),
        ),
        "technology": (
            T("Consumer Electronics", "アップデートしてから{device}が{symptom}。再起動しても直り"
              "ません。他に試せることはありますか？"),
        ),
        "trivia": (T("Quizzes & Trivia", "{trivia_q}"),),
        "other": (T("Casual Chat", "{chat}"),),
    }, {
        "action": ("腕を組んでドア枠にもたれかかる", "折りたたんだ地図をテーブルの上で滑らせる"),
        "line": ("本当にギルドが俺たちを見逃すと思ってるのか？",
                 "夜明けに出発する。一緒に来るか？"),
        "char": ("カイ", "ミラ"),
        "char_desc": ("皮肉屋だが情に厚い傭兵", "天才肌で無鉄砲な飛空艇技師"),
        "target_lang": ("英語", "中国語", "韓国語"), "tone": ("丁寧", "カジュアル"),
        "passage": ("ご注文ありがとうございます。商品は本日午前に倉庫から発送され、3〜5営業日で"
                    "お届け予定です。",),
        "device": ("iPhone 15", "Pixel 8", "ノートPC"),
        "symptom": ("すぐに電池が切れます", "Bluetoothが頻繁に切れます"),
        "trivia_q": ("衛星の数がいちばん多い惑星はどれ？", "世界でいちばん小さい国はどこ？"),
        "chat": ("暇だから少し話そうよ", "鶏肉とご飯とほうれん草で何か作れる？"),
    }),
    "ko": ({
        "programming": (
            T("Programming/Other",
              "{snippet}\n\n이 에러 원인이 뭔가요? 어떻게 고치면 될까요?", weight=3),
        ),
        "roleplay": (
            T("Roleplaying Games", "*{action}* \"{line}\"", system="너는 {char}, {char_desc}야. "
              "항상 캐릭터를 유지하고 3인칭으로 묘사하며 사용자의 대사나 행동은 쓰지 마."),
        ),
        "translation": (
            T("Foreign Language Resources", "다음 글을 {target_lang}로 번역해 주세요. 톤은 "
              "{tone}:\n\n{passage}"),
        ),
        "trivia": (T("Quizzes & Trivia", "{trivia_q}"),),
        "other": (T("Casual Chat", "{chat}"),),
    }, {
        "action": ("팔짱을 낀 채 문틀에 기댄다", "접힌 지도를 탁자 위로 밀어준다"),
        "line": ("길드가 우리를 그냥 보내줄 거라고 생각해?", "새벽에 출발한다. 같이 갈 거야?"),
        "char": ("카엘", "서하늘"),
        "char_desc": ("냉소적이지만 정 많은 용병", "천재적이지만 무모한 기술자"),
        "target_lang": ("영어", "일본어"), "tone": ("정중하게", "편하게"),
        "passage": ("주문해 주셔서 감사합니다. 상품은 오늘 오전 물류센터에서 출고되었으며 "
                    "영업일 기준 3~5일 내에 도착할 예정입니다.",),
        "trivia_q": ("위성이 가장 많은 행성은?", "세계에서 가장 작은 나라는 어디야?"),
        "chat": ("심심한데 얘기 좀 하자", "닭고기랑 밥이랑 시금치로 뭐 해 먹지?"),
    }),
    "pt": ({
        "programming": (
            T("Programming/Other",
              "{snippet}\n\nO que está causando isso e como resolvo?", weight=3),
        ),
        "roleplay": (
            T("Roleplaying Games", "*{action}* — {line}", system="Você é {char}, {char_desc}. "
              "Permaneça sempre no personagem, narre em terceira pessoa e nunca fale pelo "
              "usuário."),
        ),
        "translation": (
            T("Foreign Language Resources", "Traduza para o {target_lang} com tom {tone}:\n\n"
              "{passage}"),
        ),
        "marketing": (
            T("Advertising", "Crie {n} legendas de anúncio para {product}, público: {audience}."),
        ),
        "trivia": (T("Quizzes & Trivia", "{trivia_q}"),),
        "other": (T("Casual Chat", "{chat}"),),
    }, {
        "action": ("encosta no batente da porta, de braços cruzados", "desliza um mapa dobrado "
                   "pela mesa"),
        "line": ("Você acha mesmo que a guilda vai deixar a gente sair?", "Partimos ao "
                 "amanhecer. Você vem?"),
        "char": ("Caio", "Luana Prado"),
        "char_desc": ("um mercenário cínico de bom coração", "uma engenheira genial e imprudente"),
        "target_lang": ("inglês", "espanhol"), "tone": ("formal", "descontraído"),
        "passage": ("Obrigado pelo seu pedido! Seu pacote saiu do nosso centro de distribuição "
                    "hoje de manhã e deve chegar em três a cinco dias úteis.",),
        "n": ("5", "8"), "product": ("um app de receitas saudáveis", "fones sem fio"),
        "audience": ("jovens profissionais", "estudantes"),
        "trivia_q": ("Qual planeta tem mais luas?", "Qual é o menor país do mundo?"),
        "chat": ("oi, tô entediado, bora conversar?", "o que eu faço pra janta com frango, "
                 "arroz e espinafre?"),
    }),
}
