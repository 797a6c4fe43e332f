"""The grade command imports each job's needs once, before it forks the jobs: torch included, safely."""
import multiprocessing
import sys

import pytest


def _in_forked_job(sender):
    already = "torch" in sys.modules and "grading.checks.torch_lstm_lm" in sys.modules
    import torch

    torch.set_num_threads(2)  # the job's first parallel operation starts torch's thread pool, in the job
    x = torch.ones(512, 512, dtype=torch.float64)
    sender.send((already, float((x @ x).sum())))


def test_a_forked_job_finds_torch_and_the_checks_loaded_and_computes_with_threads():
    pytest.importorskip("torch")
    from grading.batch import preload

    preload("torch_lstm_lm")
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    job = context.Process(target=_in_forked_job, args=(sender,))
    job.start()
    assert receiver.poll(120), "the forked job hung (a thread pool set up before the fork?)"
    assert receiver.recv() == (True, 512.0 ** 3)
    job.join(30)
    assert job.exitcode == 0
