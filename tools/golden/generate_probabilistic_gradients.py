# Golden gradients for ProbabilisticGradientsTest: tf.GradientTape through the Keras 3.15.1 loss classes (TF 2.21, CPU).
import numpy as np, keras, math, tensorflow as tf
rng = np.random.default_rng(20260902)
L = keras.losses
NAN = float('nan')

def fmt(v):
    v = float(v)
    if math.isnan(v): return 'NaN'
    if math.isinf(v): return 'Infinity' if v > 0 else '-Infinity'
    return repr(v)

def arr(a): return ','.join(fmt(x) for x in np.asarray(a).ravel())
def shape(a): return 'x'.join(str(d) for d in np.shape(a)) or '-'

lines = []
def case(name, cls, yt, yp, sw=None, reduction='sum_over_batch_size', **kw):
    dtype = str(yp.dtype)
    loss = getattr(L, cls)(reduction=reduction, dtype=dtype, **kw)
    x = tf.constant(yp)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = loss(yt, x, sample_weight=sw)
        total = tf.reduce_sum(value)
    g = tape.gradient(total, x).numpy()
    params = ';'.join(f'{k}={v if not isinstance(v, (list, tuple)) else "/".join(map(str, v))}' for k, v in kw.items())
    lines.append('|'.join([name, cls, params, str(yt.dtype), shape(yt), arr(yt), dtype, shape(yp), arr(yp),
                           '-' if sw is None else shape(sw), '' if sw is None else arr(sw), str(reduction), arr(g)]))

def probs(*s, dt='float32'): return rng.uniform(0.02, 0.98, s).astype(dt)
def logits(*s, dt='float32'): return (rng.standard_normal(s) * 3).astype(dt)
def hard(*s, dt='float32'): return rng.integers(0, 2, s).astype(dt)
def weights(n): return rng.uniform(0.1, 2, n).astype('float32')

edge = np.array([[1e-7, 0.99999988, 0, 1, NAN], [0.3, 1e-8, 0.5, 2, 0.7]], 'float32')
case('bce-edges', 'BinaryCrossentropy', np.array([[1, 0, 1, 0, 1], [0, 1, 0, 1, 0.5]], 'float32'), edge, weights(2))
case('bce-hard-sum', 'BinaryCrossentropy', hard(4, 6), probs(4, 6), reduction='sum')
case('bce-smooth-mean-weighted', 'BinaryCrossentropy', probs(3, 5), probs(3, 5), weights(3), reduction='mean_with_sample_weight', label_smoothing=0.2)
case('bce-rank-fix', 'BinaryCrossentropy', hard(6), probs(6, 1), weights(6))
case('bce-axis0-none', 'BinaryCrossentropy', hard(2, 3, 4), probs(2, 3, 4), reduction=None, axis=0)
case('bce-logits', 'BinaryCrossentropy', hard(4, 5), logits(4, 5), weights(4), from_logits=True)
case('bce-logits-edges', 'BinaryCrossentropy', np.array([[1, 0, 1, 0, 0.3, 1]], 'float32'), np.array([[100, 100, -100, -100, 0, 1e4]], 'float32'), from_logits=True, label_smoothing=0.1)
case('bce-f64', 'BinaryCrossentropy', probs(3, 4, dt='float64'), probs(3, 4, dt='float64'), label_smoothing=0.1)
case('bfce', 'BinaryFocalCrossentropy', hard(4, 5), probs(4, 5), weights(4), gamma=2.0)
case('bfce-balanced-smooth', 'BinaryFocalCrossentropy', hard(3, 6), probs(3, 6), apply_class_balancing=True, alpha=0.4, gamma=1.5, label_smoothing=0.1)
case('bfce-edges', 'BinaryFocalCrossentropy', np.array([[1, 0, 1, 0, 1], [0, 1, 0, 1, 0.5]], 'float32'), edge, gamma=3.0)
case('bfce-logits', 'BinaryFocalCrossentropy', hard(4, 5), logits(4, 5), weights(4), from_logits=True, apply_class_balancing=True, gamma=2.5)
case('bfce-logits-smooth', 'BinaryFocalCrossentropy', probs(3, 4), logits(3, 4), from_logits=True, label_smoothing=0.2, gamma=0.5, reduction='sum')
case('bfce-f64', 'BinaryFocalCrossentropy', hard(3, 4, dt='float64'), logits(3, 4, dt='float64'), from_logits=True, gamma=2.0)
case('cfce', 'CategoricalFocalCrossentropy', np.eye(4, dtype='float32')[rng.integers(0, 4, 5)], probs(5, 4), weights(5))
case('cfce-alpha-list', 'CategoricalFocalCrossentropy', np.eye(3, dtype='float32')[rng.integers(0, 3, 4)], probs(4, 3), alpha=[0.2, 0.5, 0.9], gamma=1.5, reduction='sum')
case('cfce-logits-smooth', 'CategoricalFocalCrossentropy', np.eye(5, dtype='float32')[rng.integers(0, 5, 3)], logits(3, 5), weights(3), from_logits=True, label_smoothing=0.1)
case('cfce-axis1', 'CategoricalFocalCrossentropy', probs(2, 3, 4), probs(2, 3, 4), axis=1, gamma=2.0)
case('cfce-clipped-row', 'CategoricalFocalCrossentropy', np.array([[1, 0, 0], [0, 1, 0]], 'float32'), np.array([[1, 0, 0], [0.2, 0.8, 1e-9]], 'float32'))
case('cfce-f64', 'CategoricalFocalCrossentropy', np.eye(4)[rng.integers(0, 4, 3)].astype('float64'), logits(3, 4, dt='float64'), from_logits=True, gamma=2.0)
case('kl', 'KLDivergence', probs(4, 5), probs(4, 5), weights(4))
case('kl-edges', 'KLDivergence', np.array([[0.5, 0.2, 0.3, 0.4, 0.1]], 'float32'), np.array([[1e-7, 1, 0, 2, NAN]], 'float32'), reduction='sum')
case('kl-f64', 'KLDivergence', probs(3, 4, dt='float64'), probs(3, 4, dt='float64'))
case('poisson', 'Poisson', rng.integers(0, 5, (4, 5)).astype('float32'), np.exp(rng.standard_normal((4, 5))).astype('float32'), weights(4))
case('poisson-f64', 'Poisson', rng.integers(0, 5, (3, 4)).astype('float64'), np.exp(rng.standard_normal((3, 4))).astype('float64'), reduction='sum')
print('\n'.join(lines))
