package dev.xent.internal.kernel;

/** How predictions become log-probabilities. */
public enum ProbabilityMode {
    /** Stable log-softmax of logits ({@code from_logits=True}). */
    LOGITS,
    /**
     * Probabilities, TensorFlow's sparse order: clip each entry to {@code [eps, 1-eps]}, take the log, then the
     * fused softmax cross-entropy, which renormalises after the clip: {@code log(sum clip(p)) - log(clip(p[y]))}.
     */
    CLIP_THEN_NORMALIZE,
    /** Probabilities, the JAX/NumPy/PyTorch order (and TF's categorical one): divide by the row sum, then clip. */
    NORMALIZE_THEN_CLIP
}
