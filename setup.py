"""
Package metadata of jointre_plugins. The dependency set that really installs on Python 3.11 and 3.12
lives in requirements/; `make install` (run by `make demo` and `make test`) applies it, and the
README's plain-pip route applies it around a torch already installed.
"""
from setuptools import find_packages, setup


def requirements(path: str) -> list:
    with open(path, encoding="utf-8") as requirements_file:
        lines = (line.split("#")[0].strip() for line in requirements_file)
        return [line for line in lines if line]


setup(
    name="jointre_plugins",
    version="0.1.0",
    description="Joint entity and relation extraction systems as AllenNLP plugins",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    packages=find_packages(include=["jointre_plugins", "jointre_plugins.*"]),
    # transformers 4.42 (runtime.txt) needs numpy<2, which has no wheel for Python 3.13.
    python_requires=">=3.11,<3.13",
    # allennlp and allennlp-models come from requirements/no-deps.txt, installed without their
    # obsolete pins; declaring them here would make pip try to satisfy those pins. runtime.txt gives
    # torch as a lower bound only, so installing this package keeps the torch already installed.
    install_requires=requirements("requirements/runtime.txt"),
    license="Apache-2.0",
)
