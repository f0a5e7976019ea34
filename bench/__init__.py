"""The project's benchmark: a city-scale dataset, every page's rerun time, key service calls.

Run ``python -m bench [--scale S] [--reruns N] [--out PATH]`` (``make bench``). The figures and
the machine they came from go to ``bench/results/latest.json`` so two runs can be compared; the
targets they are judged against live in ``bench/targets.py``.
"""
