"""
Package metadata of jointre_plugins. The dependency set that really installs on Python 3.11 lives in
requirements/; `make install` (run by `make demo` and `make test`) applies it.
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
    python_requires=">=3.11",
    # allennlp and allennlp-models come from requirements/no-deps.txt, installed without their
    # obsolete pins; declaring them here would make pip try to satisfy those pins.
    install_requires=requirements("requirements/runtime.txt"),
    license="Apache-2.0",
)
