"`python -m vsd_tutorial ...` is the `vsd-tutorial` command; it is what `torchrun ... -m vsd_tutorial generate ...` starts (34a_distributed)."
from vsd_tutorial.cli import main

if __name__ == '__main__': main()
