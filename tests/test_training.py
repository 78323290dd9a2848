"""Training data built from content/ passes Rasa's validator; training runs only on change;
`redheart ask --json` prints the documented object."""
from __future__ import annotations

import json
import subprocess
import sys

from bot import paths
from bot.training.train import build, fingerprint, train


def test_rasa_data_validate_passes_on_the_repo():
    result = subprocess.run([sys.executable, "-m", "bot", "validate"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_training_is_skipped_when_nothing_changed(assistant):
    # The session's assistant fixture trained the model if it had to; now it is current.
    assert train() is False
    assert paths.MODEL_FINGERPRINT.read_text() == fingerprint(build())


def test_the_fingerprint_changes_when_content_changes(tmp_path, monkeypatch):
    before = fingerprint(build())
    changed = tmp_path / "content"
    import shutil

    shutil.copytree(paths.CONTENT_DIR, changed)
    terms = changed / "terms.yml"
    terms.write_text(terms.read_text().replace("Groomers flatter", "Groomers often flatter"))
    monkeypatch.setattr(paths, "CONTENT_DIR", changed)
    try:
        assert fingerprint(build()) != before
    finally:
        monkeypatch.undo()
        build()


def test_ask_json_prints_one_object_per_question_line(assistant):
    questions = "what is grooming\nwho can i call\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--language", "bn-BD", "--country", "BD"],
        input=questions, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["intent"] for line in lines] == ["term_grooming", "helplines"]
    first = lines[0]
    assert set(first) == {"text", "language", "intent", "confidence", "responses"}
    assert first["text"] == "what is grooming" and first["language"] == "bn"
    assert 0 < first["confidence"] <= 1
    # A term card offers its related terms, then the way back to the glossary.
    payloads = [button["payload"] for button in first["responses"][0]["buttons"]]
    assert payloads[-1] == "/glossary" and "/term_sextortion" in payloads


def test_the_loaded_classifier_scores_without_copying_its_weights(assistant):
    from bot.nlu.linear_classifier import LinearIntentClassifier

    nodes = assistant.agent.processor.graph_runner._nodes  # bot.graph_runner keeps the loaded nodes
    # The intent classifier and the safety classifier, which reads the same features.
    classifiers = [n._component for n in nodes.values() if isinstance(n._component, LinearIntentClassifier)]
    assert len(classifiers) == 2
    for classifier in classifiers:
        assert classifier.clf.coef_.T.flags["C_CONTIGUOUS"]  # what scipy needs to multiply without a copy
