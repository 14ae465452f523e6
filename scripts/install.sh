#!/usr/bin/env bash
# Installs jointre_plugins and its working stack into a virtual environment ($VENV, default .venv).
#
# AllenNLP 2.10.1 pins torch<1.13, transformers<4.21 and spacy<3.4, none of which install on
# Python 3.11, so allennlp and allennlp-models are installed without their dependencies on top of
# the stack in requirements/runtime.txt, held at the versions of requirements/constraints.txt, with
# the tested torch of requirements/torch.txt. This is the stack the project is tested with, on
# Python 3.11 only; the README's plain-pip route keeps a torch of the user's own instead.
set -euo pipefail

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

"$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "make install needs Python 3.11, found " + sys.version.split()[0] + "; the README tells how to install on 3.12")'

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
"${PIP[@]}" install -q -c requirements/constraints.txt -c requirements/torch.txt -r requirements/runtime.txt -r requirements/dev.txt
# torchvision comes at the version torch.txt gives it, without the torch==2.0.1 it asks for.
"${PIP[@]}" install -q --no-deps -c requirements/torch.txt -r requirements/no-deps.txt torchvision
"${PIP[@]}" install -q --no-deps -e .

SITE_PACKAGES=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
# torchvision 0.15.2, the last one AllenNLP 2.10 imports cleanly, has an image extension built
# for an older torch. AllenNLP imports torchvision but never its image functions, so the warning
# it prints at every start is silenced for this environment only.
cat > "$SITE_PACKAGES/jointre_quiet_torchvision.pth" <<'PTH'
import warnings; warnings.filterwarnings("ignore", message="Failed to load image Python extension", category=UserWarning, module="torchvision.io.image")
PTH

# allennlp-models imports its NarrativeQA metrics at start-up, which look for NLTK's punkt data
# and try to download it (and wordnet) when it is missing: failed network attempts on every run
# of a machine without internet. The marker directory below satisfies the lookup. It holds no
# tokenizer model, so NarrativeQA's metrics (never used by jointre_plugins) would fail loudly;
# install the real data with `python -m nltk.downloader punkt wordnet` where there is internet.
NLTK_PUNKT="$VENV/nltk_data/tokenizers/punkt"
mkdir -p "$NLTK_PUNKT"
cat > "$NLTK_PUNKT/README.txt" <<'TXT'
Placeholder made by jointre_plugins' scripts/install.sh so that allennlp-models does not try to
download punkt at every start. It holds no model: replace it with the real data
(python -m nltk.downloader punkt wordnet) if you use NLTK tokenizers in this environment.
TXT

"$VENV/bin/allennlp" test-install 2>&1 | grep -E "Plugin jointre_plugins available|AllenNLP version"
