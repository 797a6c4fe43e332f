"""Weights saved under a parameter's old name still load, with a warning that names the rename.

The torch models called their output weights Wy until the course settled on one name, Wya, for the
output layer of every network (book/data/notation.yml, "the output weights"). A state dict saved
before (a checkpoint of save_checkpoint, or a model's state_dict() saved by hand) holds Wy, which
load_state_dict would refuse as an unexpected key next to a missing Wya. The parameter kept its place
in the model, so an optimiser's state saved with it (keyed by position, not by name) still fits.
"""
import warnings

# old key -> current key, for the models that register accept_old_keys
RENAMED = {"Wy": "Wya"}


def rename_old_keys(state_dict, parameters, prefix=""):
    """Rename in place the old keys of ``state_dict`` whose current name is a parameter of the module.

    Parameters
    ----------
    state_dict : dict
        the state dict being loaded (load_state_dict passes its own copy)
    parameters : set of str
        the names of the module's own parameters (a tied output matrix is no parameter: its old key stays,
        and load_state_dict names it as unexpected)
    prefix : str
        the module's prefix in state_dict ("" for the model loaded)

    Returns
    -------
    problems : list of str
        one sentence for each old key that cannot be renamed because the current key is there too
    """
    problems = []
    for old, new in RENAMED.items():
        if new not in parameters or prefix + old not in state_dict:
            continue
        if prefix + new in state_dict:
            problems.append(f"the state dict holds both {prefix + old!r}, the old name of {prefix + new!r}, and "
                            f"{prefix + new!r}: keep one of them")
            continue
        # stacklevel 1: the frames above are torch's loading code, whatever called load_state_dict
        warnings.warn(f"the state dict was saved with the old key {prefix + old!r}, renamed {prefix + new!r}: "
                      f"loaded as {prefix + new!r} (save it again to store the new name)", FutureWarning,
                      stacklevel=1)
        state_dict[prefix + new] = state_dict.pop(prefix + old)
    return problems


def _rename_before_loading(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                           error_msgs):
    parameters = {name for name, _ in module.named_parameters(recurse=False)}
    error_msgs.extend(rename_old_keys(state_dict, parameters, prefix))


def accept_old_keys(module):
    """Make ``module.load_state_dict`` read the old keys of RENAMED as the current ones (with a FutureWarning).

    Parameters
    ----------
    module : torch.nn.Module
        a model with a parameter that RENAMED names
    """
    module.register_load_state_dict_pre_hook(_rename_before_loading)
