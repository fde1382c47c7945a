"""`key=value` settings on a benchmark's command line, and where a prior's own samples are cached (benchmarks/*.py)."""
import ast

def value(v:str):
    "A Python literal (3, 0.5, True, None), else the bare word as a string (normal_prior=toy); `none`: None."
    try: return ast.literal_eval(v)
    except (ValueError, SyntaxError): return None if v == 'none' else v

def settings(pairs) -> dict:
    "{key: value} from ['key=value', ...]; a pair without '=' stops with one line."
    bad = [p for p in pairs if '=' not in p]
    if bad: raise SystemExit(f"error: settings are key=value, got {' '.join(bad)}")
    return {k: value(v) for k, v in (p.split('=', 1) for p in pairs)}

def prior_suffix(prior:str, base:str='toy') -> str:
    "'' for the prior `base` (the shipped toy prior, or a preset's own), else '_NAME' (toy-fixed-camera: '_toy_fixed_camera'): how result files name another prior."
    from pathlib import Path
    return '' if prior == base else '_' + Path(prior).name.replace('-', '_')

def reference_cache(results, prior:str):
    "Where a prior's own samples (the Fréchet yardstick, `prior_reference`) are cached: fidelity_prior for the shipped one, fidelity_prior_NAME else."
    from pathlib import Path
    return Path(results) / f'fidelity_prior{prior_suffix(prior)}'
