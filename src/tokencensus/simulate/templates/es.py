"""Spanish prompt templates and slot pools."""

from __future__ import annotations

from tokencensus.simulate.templates.base import Template as T

CARD = ("Eres {char}, {char_desc}. Personalidad: {traits}. Escenario: {scenario}\n"
        "Mantente siempre en el personaje, narra en tercera persona y en pasado, describe "
        "con detalle sus acciones y emociones, y nunca hables ni actúes por el usuario.")

TEMPLATES: dict[str, tuple[T, ...]] = {
    "programming": (
        T("Programming/Other", "{snippet}\n\n{ask_fix}", weight=3),
        T("Programming/Other", "Te paso el archivo {file}\nRefactorízalo para que "
          "{refactor_goal}, sin cambiar la API pública, y añade tests."),
        T("Development Tools", "Desde esta mañana falla el pipeline:\n\n{config}\n\n{ask_fix}"),
        T("Software/Databases", "Esta consulta va lentísima; la tabla tiene unos {rows} "
          "registros:\n\n{query}\n\n¿Qué índice o reescritura me recomiendas?"),
    ),
    "roleplay": (
        T("Roleplaying Games", "*{action}* —{line}", system=CARD, weight=4),
        T("Writers Resources", "Estoy escribiendo una novela de {genre}. En el capítulo {num} "
          "la protagonista {plot}. Escribe la siguiente escena, unas 800 palabras, {style}."),
        T("Adult", "*{action}* —{flirt}", system=CARD + " Es un romance lento; las escenas "
          "íntimas se insinúan sin detalles."),
    ),
    "technology": (
        T("Consumer Electronics", "Desde la última actualización mi {device} {symptom}. Ya "
          "lo reinicié y restablecí la red. ¿Qué más puedo probar?"),
        T("Software", "¿Qué diferencia hay entre {sw_a} y {sw_b} para {use}? Uso {os} y me "
          "importa sobre todo {priority}."),
    ),
    "science": (
        T("Machine Learning & AI", "Estoy haciendo fine-tuning de {ml_model} con {dataset} y "
          "{ml_issue}. Learning rate {lr}, batch size {bs}. ¿Qué pruebo primero?", weight=3),
        T("Machine Learning & AI", "Explícame de forma intuitiva {ml_concept} y luego las "
          "fórmulas.", weight=2),
        T("Biology", "¿Cómo funciona {bio_topic} y por qué importa para {bio_context}?"),
    ),
    "translation": (
        T("Foreign Language Resources", "Traduce al {target_lang} con un tono {tone}:\n\n"
          "{passage}", weight=2),
        T("Foreign Language Resources", "¿Cómo se dice de forma natural \"{phrase}\" en "
          "{target_lang}? Dame una versión formal y otra informal."),
        T("Translation & Localization", "Localiza estos textos de la app al {target_lang} sin "
          "tocar los marcadores:\n\n{ui_strings}"),
    ),
    "health": (
        T("Health Conditions", "Tengo {age} años y desde hace {duration} tengo {body_symptom}. "
          "{extra}. ¿Debería preocuparme? ¿A qué especialista voy?", weight=2),
        T("Pharmacy", "¿Puedo tomar {drug_a} junto con {drug_b}? Me lo recetaron para "
          "{condition}."),
    ),
    "finance": (
        T("Investing", "Tengo {age} años y {amount} ahorrados. ¿Conviene más {invest_a} o "
          "{invest_b}? Pienso a unos {years} años."),
        T("Accounting & Taxes", "Soy autónomo en {region}. ¿Puedo deducir {expense}?"),
    ),
    "academia": (
        T("Academic Writing", "¿Puedes mejorar este párrafo de mi {paper_type} para que el "
          "argumento quede más claro?\n\n«{academic_para}»"),
        T("Homework Help", "{homework}"),
    ),
    "legal": (
        T("Contracts", "Revisa esta cláusula de un {contract}. ¿Es abusiva para mí como "
          "{party}?\n\n«{clause}»", weight=2),
        T("Employment Law", "Mi empresa en {region} {employment_issue}. ¿Es legal?"),
    ),
    "marketing": (
        T("Advertising", "Escribe {n} anuncios para {product} dirigidos a {audience}, con tono "
          "{tone}."),
        T("Email Marketing", "Redacta un email de {email_kind} para {product}, con tres "
          "opciones de asunto."),
    ),
    "marketing/seo": (
        T("Search Engine Optimization", "Hazme un brief SEO para un artículo sobre "
          "\"{keyword}\": intención de búsqueda, estructura H2/H3, palabras clave "
          "relacionadas y una meta description de menos de 155 caracteres."),
    ),
    "trivia": (
        T("Quizzes & Trivia", "{trivia_q}", weight=2),
        T("History", "{history_q}"),
    ),
    "other": (
        T("Casual Chat", "{chat}", weight=2),
        T("Summarization", "Resume esto en tres puntos:\n\n{passage}"),
    ),
}

SLOTS: dict[str, tuple[str, ...]] = {
    "ask_fix": ("¿Qué está pasando y cómo lo arreglo?", "¿Por qué ocurre esto? Explícame la "
                "causa.", "Llevo una hora atascado, ¿alguna idea?", "arréglalo porfa"),
    "refactor_goal": ("admita reembolsos parciales", "soporte varias monedas",
                      "sea seguro con varios hilos"),
    "rows": ("12 millones de", "800.000", "40 millones de"),
    "action": ("se apoya en el marco de la puerta, de brazos cruzados", "desliza un mapa "
               "doblado sobre la mesa", "desenvaina la espada y se interpone entre tú y el "
               "desconocido"),
    "line": ("¿De verdad crees que el gremio nos dejará salir?", "Cuéntame todo lo que viste "
             "anoche en el puerto.", "Salimos al amanecer. ¿Vienes o no?"),
    "char": ("Valeria", "Iker Montalvo", "la capitana Inés Robles", "Zorro Gris"),
    "char_desc": ("una mercenaria cínica con buen corazón", "un ingeniero brillante pero "
                  "temerario", "la heredera exiliada de un reino del norte"),
    "traits": ("sarcástica, leal, odia que le den las gracias", "curioso, impulsivo, "
               "protector"),
    "scenario": ("El usuario acaba de ser contratado para escoltar una caravana.",
                 "El usuario y el personaje quedan atrapados por la nieve en una posada."),
    "genre": ("fantasía", "ciencia ficción", "misterio"),
    "num": ("3", "7", "12"),
    "plot": ("se enfrenta por fin a su padre", "descubre que el mapa es falso"),
    "style": ("con mucho diálogo", "con un ritmo tenso"),
    "flirt": ("No dejas de mirarme. ¿Debo sentirme halagada o preocupada?",
              "Quédate un poco más, la tormenta no amaina."),
    "device": ("iPhone 15", "Samsung Galaxy S24", "Xiaomi Redmi Note 13", "portátil"),
    "symptom": ("se queda sin batería enseguida", "pierde la conexión Bluetooth",
                "se calienta mucho al cargar"),
    "sw_a": ("Docker Desktop", "Notion", "VS Code"),
    "sw_b": ("Podman", "Obsidian", "Cursor"),
    "use": ("programar", "editar vídeo", "trabajar en equipo"),
    "os": ("Windows 11", "macOS", "Ubuntu"),
    "priority": ("el rendimiento", "la privacidad", "el precio"),
    "ml_model": ("Llama 3 8B con LoRA", "un clasificador BERT", "una ResNet-50"),
    "dataset": ("tickets de soporte", "20.000 fotos de productos"),
    "ml_issue": ("la pérdida de validación sube desde la segunda época", "la pérdida se "
                 "vuelve NaN a los pocos cientos de pasos"),
    "lr": ("2e-4", "1e-3"),
    "bs": ("16", "32"),
    "ml_concept": ("la atención en los transformers", "el aprendizaje contrastivo",
                   "el enrutamiento en mixture-of-experts"),
    "bio_topic": ("la edición genética con CRISPR", "una vacuna de ARNm"),
    "bio_context": ("la resistencia a antibióticos", "la mejora de cultivos"),
    "target_lang": ("inglés", "francés", "alemán", "portugués"),
    "tone": ("formal", "cercano", "profesional"),
    "passage": ("¡Gracias por tu pedido! Tu paquete salió esta mañana de nuestro almacén y "
                "llegará en un plazo de tres a cinco días hábiles. Si falta algo o llega "
                "dañado, responde a este correo.",
                "El ayuntamiento aprobó el martes ampliar la red de autobuses nocturnos a los "
                "barrios del norte, tras un aumento del 40 % de viajeros desde la apertura "
                "del nuevo estadio."),
    "phrase": ("Voy con un poco de retraso, perdona", "¿Me reenvías la factura?"),
    "ui_strings": ('"cart.empty": "Tu carrito está vacío"\n"checkout.cta": "Finalizar compra"',),
    "age": ("31", "44", "58", "23"),
    "duration": ("dos semanas", "tres días", "un mes"),
    "body_symptom": ("dolor de cabeza por las mañanas", "dolor lumbar", "una tos seca"),
    "extra": ("No tengo fiebre", "Empeora por la noche", "El ibuprofeno me alivia un poco"),
    "drug_a": ("sertralina", "enalapril", "metformina"),
    "drug_b": ("ibuprofeno", "hipérico", "un antihistamínico"),
    "condition": ("ansiedad", "la tensión alta", "diabetes tipo 2"),
    "amount": ("20.000 €", "8.000 €", "50.000 €"),
    "invest_a": ("un fondo indexado", "letras del Tesoro"),
    "invest_b": ("acciones sueltas", "un depósito a plazo"),
    "years": ("5", "10", "20"),
    "region": ("España", "México", "Argentina", "Colombia"),
    "expense": ("el alquiler de mi oficina en casa", "un portátil nuevo"),
    "paper_type": ("TFG", "tesis de máster"),
    "academic_para": ("Estudios previos han mostrado que existe una relación entre el uso de "
                      "redes sociales y el bienestar, sin embargo los resultados no son "
                      "consistentes.",),
    "homework": ("Resuelve 3x² - 12x + 9 = 0 paso a paso.", "¿Cuáles fueron las causas de la "
                 "Revolución francesa? Necesito cinco para mi redacción."),
    "contract": ("contrato de arrendamiento", "contrato de prestación de servicios"),
    "party": ("inquilino", "cliente"),
    "clause": ("El arrendatario asumirá todas las reparaciones del inmueble, incluidas las "
               "estructurales, con independencia de su causa.",
               "El proveedor podrá modificar las tarifas con un preaviso de treinta días."),
    "employment_issue": ("no me paga las horas extra", "me cambió el turno sin avisar"),
    "product": ("una app de recetas saludables", "unos auriculares inalámbricos",
                "un curso online de inglés"),
    "n": ("5", "8"),
    "audience": ("padres primerizos", "estudiantes universitarios", "autónomos"),
    "email_kind": ("bienvenida", "carrito abandonado", "lanzamiento"),
    "keyword": ("mejores escritorios elevables", "cómo hacer compost en casa"),
    "trivia_q": ("¿Qué planeta tiene más lunas?", "¿Quién pintó Las Meninas?",
                 "¿Cuál es el país más pequeño del mundo?"),
    "history_q": ("¿Cuándo cayó el Muro de Berlín y por qué?", "¿Quién fue el primer "
                  "emperador de Roma?"),
    "chat": ("hola, ¿qué tal? me aburro un montón", "recomiéndame un libro de ciencia "
             "ficción", "¿qué cocino hoy con pollo, arroz y espinacas?"),
}
