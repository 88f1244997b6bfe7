#!/usr/bin/env python3
"""Writes the small .npy inputs under examples/ (numpy only; the files are checked in).

Usage: python3 examples/make_examples.py
"""

import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def save(rel, array):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, array)


# The Keras documentation example (keras.metrics.SparseCategoricalCrossentropy and the losses' docstrings).
save("doc/y_true.npy", np.array([1, 2], dtype=np.int64))
save("doc/y_pred.npy", np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]], dtype=np.float32))
save("doc/y_true_onehot.npy", np.array([[0, 1, 0], [0, 0, 1]], dtype=np.float32))
save("doc/sample_weight.npy", np.array([0.3, 0.7], dtype=np.float32))
save("doc/logits.npy", np.array([[1, 9, 0], [1, 8, 1]], dtype=np.float32))

# A small segmentation map: 2 images of 4x4 pixels, 3 classes, 255 marks void pixels (ignore_class=255).
rng = np.random.default_rng(20261122)
labels = rng.integers(0, 3, size=(2, 4, 4)).astype(np.uint8)
labels[0, 0, :] = 255
labels[1, 3, 3] = 255
logits = rng.normal(size=(2, 4, 4, 3)).astype(np.float32)
probs = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
save("segmentation/labels.npy", labels)
save("segmentation/probs.npy", probs.astype(np.float32))
save("segmentation/probs_channels_first.npy", np.ascontiguousarray(np.moveaxis(probs, -1, 1)).astype(np.float32))
save("segmentation/pixel_weights.npy", rng.uniform(0.5, 2.0, size=(2, 4, 4)).astype(np.float32))
