"""Language detection on short and long prompts in the languages of figure 33 and more."""

from __future__ import annotations

import pytest

from tokencensus.classify.language import detect_language

LONG = {
    "en": "Could you explain how the garbage collector in Java decides which objects to "
          "free, and why my service still runs out of memory after a few hours?",
    "zh": "请帮我解释一下Java的垃圾回收器是如何决定释放哪些对象的，"
          "以及为什么我的服务运行几个小时后仍然会内存不足？",
    "ru": "Объясни, пожалуйста, как сборщик мусора в Java решает, какие объекты освобождать, "
          "и почему мой сервис всё равно падает из-за нехватки памяти через несколько часов?",
    "es": "¿Podrías explicarme cómo decide el recolector de basura de Java qué objetos liberar "
          "y por qué mi servicio se queda sin memoria después de unas horas?",
    "th": "ช่วยอธิบายหน่อยว่าตัวเก็บขยะของ Java ตัดสินใจอย่างไรว่าจะคืนหน่วยความจำของอ็อบเจกต์ใด",
    "fr": "Pourriez-vous m'expliquer comment le ramasse-miettes de Java décide quels objets "
          "libérer, et pourquoi mon service manque encore de mémoire après quelques heures ?",
    "de": "Kannst du mir erklären, wie der Garbage Collector in Java entscheidet, welche "
          "Objekte freigegeben werden, und warum mein Dienst trotzdem nach ein paar Stunden "
          "keinen Speicher mehr hat?",
    "pt": "Você pode explicar como o coletor de lixo do Java decide quais objetos liberar e "
          "por que meu serviço ainda fica sem memória depois de algumas horas?",
    "ja": "Javaのガベージコレクタはどのオブジェクトを解放するかを"
          "どのように決めているのか、説明してください。",
    "ko": "자바의 가비지 컬렉터가 어떤 객체를 해제할지 어떻게 결정하는지 설명해 주세요.",
}
SHORT = {
    "en": "What is the capital of France?",
    "zh": "你好，今天天气怎么样？",
    "ru": "Привет, как дела?",
    "es": "¿Qué hora es?",
    "th": "สวัสดีครับ",
    "fr": "Bonjour, comment ça va ?",
    "de": "Wie spät ist es?",
    "ja": "こんにちは",
    "ko": "안녕하세요",
}


@pytest.mark.parametrize(("lang", "text"), sorted(LONG.items()))
def test_long_prompts(lang: str, text: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(("lang", "text"), sorted(SHORT.items()))
def test_short_prompts(lang: str, text: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", ["", "   ", "ok", "12345 + 678", "!!! ??? ...", "```\n```"])
def test_too_little_text_is_undetermined(text: str) -> None:
    assert detect_language(text) == "und"


def test_code_is_removed_before_detection() -> None:
    prompt = ("¿Por qué esta función devuelve None en lugar de la lista ordenada?\n"
              "```python\ndef sort_items(items):\n    items.sort()\n```")
    assert detect_language(prompt) == "es"


def test_mixed_language_gets_the_dominant_one() -> None:
    text = LONG["ru"] + " Thanks!"
    assert detect_language(text) == "ru"
    assert detect_language(LONG["zh"] + " Python list") == "zh"
