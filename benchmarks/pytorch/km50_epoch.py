"""Times km50 training epochs on MNIST in PyTorch, as a reference for the
TypeScript backends.

The setup is fixclust's km50: an MLP 784 -> 32 tanh -> 10 linear with
Glorot-uniform weights and zero biases, the 10 vertex representatives
(-1 everywhere except +1 at coordinate i), the k-means loss (squared
distance to the nearest representative, averaged over the batch) minus 50
times the mean over the 10 features of sqrt(batch variance + 1e-8), Adam
with learning rate 1e-3, batches of 128 rows of a reshuffled order every
epoch, over all 70,000 digits (547 steps).

Usage (Debian's python3-torch is installed for /usr/bin/python3):

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 benchmarks/pytorch/km50_epoch.py \
        --threads 2 --epochs 3

MNIST is read from the four IDX files, gzipped, in --data (default:
$FIXCLUST_DATA/mnist, else ../shared/data/mnist beside the repository).
"""

import argparse
import gzip
import os
import struct
import time
from pathlib import Path

import numpy as np
import torch

BATCH_SIZE = 128
LAMBDA = 50.0
VARIANCE_EPSILON = 1e-8
LEARNING_RATE = 1e-3
# tfjs's Adam uses the backend's epsilon, 1e-7 for float32 backends.
ADAM_EPSILON = 1e-7
MNIST_FILES = [
    ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
]


def default_data_directory() -> Path:
    data = os.environ.get("FIXCLUST_DATA")
    if data:
        return Path(data) / "mnist"
    repository = Path(__file__).resolve().parents[2]
    return repository.parent / "shared" / "data" / "mnist"


def read_idx_images(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as file:
        magic, count, rows, columns = struct.unpack(">IIII", file.read(16))
        if magic != 0x0803:
            raise ValueError(f"{path}: not an IDX image file, magic {magic:#x}")
        pixels = np.frombuffer(file.read(), dtype=np.uint8)
    return pixels.reshape(count, rows * columns)


def load_mnist(directory: Path) -> torch.Tensor:
    parts = [read_idx_images(directory / images) for images, _ in MNIST_FILES]
    pixels = np.concatenate(parts).astype(np.float32) / 255.0
    return torch.from_numpy(pixels)


def vertex_representatives(k: int) -> torch.Tensor:
    return 2.0 * torch.eye(k) - 1.0


def build_network(n_features: int, k: int) -> torch.nn.Sequential:
    network = torch.nn.Sequential(
        torch.nn.Linear(n_features, 32),
        torch.nn.Tanh(),
        torch.nn.Linear(32, k),
    )
    for layer in (network[0], network[2]):
        torch.nn.init.xavier_uniform_(layer.weight)
        torch.nn.init.zeros_(layer.bias)
    return network


def km50_objective(
    y: torch.Tensor, representatives: torch.Tensor
) -> torch.Tensor:
    squared_norms = (representatives * representatives).sum(dim=1)
    distances = (
        (y * y).sum(dim=1, keepdim=True)
        - 2.0 * y @ representatives.T
        + squared_norms
    )
    clustering = distances.min(dim=1).values.mean()
    variance = y.var(dim=0, unbiased=False)
    spread = torch.sqrt(variance + VARIANCE_EPSILON).mean()
    return clustering - LAMBDA * spread


def train_epoch(network, optimizer, x, representatives, generator) -> float:
    order = torch.randperm(x.shape[0], generator=generator)
    total = 0.0
    for start in range(0, x.shape[0], BATCH_SIZE):
        batch = x.index_select(0, order[start : start + BATCH_SIZE])
        optimizer.zero_grad(set_to_none=True)
        loss = km50_objective(network(batch), representatives)
        loss.backward()
        optimizer.step()
        total += loss.item() * batch.shape[0]
    return total / x.shape[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_directory())
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()

    torch.set_num_threads(arguments.threads)
    torch.manual_seed(arguments.seed)
    generator = torch.Generator().manual_seed(arguments.seed)
    x = load_mnist(arguments.data)
    representatives = vertex_representatives(10)
    network = build_network(x.shape[1], 10)
    optimizer = torch.optim.Adam(
        network.parameters(), lr=LEARNING_RATE, eps=ADAM_EPSILON
    )

    blas_threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    steps = -(-x.shape[0] // BATCH_SIZE)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"OPENBLAS_NUM_THREADS={blas_threads}, {x.shape[0]} rows, "
        f"{steps} steps per epoch"
    )
    seconds = []
    for epoch in range(arguments.epochs):
        started = time.perf_counter()
        cpu_started = time.process_time()
        loss = train_epoch(network, optimizer, x, representatives, generator)
        seconds.append(time.perf_counter() - started)
        cpu = time.process_time() - cpu_started
        print(
            f"epoch {epoch}: {seconds[-1]:.3f} s wall, {cpu:.3f} s CPU, "
            f"loss {loss:.5f}"
        )
    later = seconds[1:] or seconds
    print(f"best epoch after the first: {min(later):.3f} s")


if __name__ == "__main__":
    main()
