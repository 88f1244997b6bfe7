# Golden values for ProbabilisticGoldenTest from Keras 3.15.1 on TensorFlow 2.21 (CPU), function form (no rank fix).
import numpy as np, keras, math, sys
rng = np.random.default_rng(20260901)
F = keras.losses
NAN, INF = float('nan'), float('inf')

def fmt(v):
    v = float(v)
    if math.isnan(v): return 'NaN'
    if math.isinf(v): return 'Infinity' if v > 0 else '-Infinity'
    return repr(v)

def arr(a):
    return ','.join(fmt(x) for x in np.asarray(a).ravel())

def shape(a):
    return 'x'.join(str(d) for d in np.shape(a)) or '-'

lines = []
def case(name, fn, yt, yp, **kw):
    out = np.asarray(getattr(F, fn)(yt, yp, **kw))
    params = ';'.join(f'{k}={v if not isinstance(v, (list, tuple)) else "/".join(map(str, v))}' for k, v in kw.items())
    lines.append('|'.join([name, fn, params, str(yt.dtype), shape(yt), arr(yt), str(yp.dtype), shape(yp), arr(yp),
                           shape(out), arr(out)]))

def probs(*s, dt='float32'): return rng.random(s).astype(dt)
def logits(*s, scale=3.0, dt='float32'): return (rng.standard_normal(s) * scale).astype(dt)
def hard(*s, dt='float32'): return rng.integers(0, 2, s).astype(dt)

EDGE_P = np.array([0, 1, 1e-7, 0.99999988, 1e-30, 0.5, 2, -1, NAN, INF, -INF, 1e-8], 'float32')
EDGE_X = np.array([0, -0.0, 100, -100, 1e4, -1e4, 88, -88, 87.5, -87.5, NAN, INF, -INF, 1e30, -1e30, 3], 'float32')

# binary_crossentropy
case('bce-docstring', 'binary_crossentropy', np.array([[0, 1], [0, 0]], 'float32'), np.array([[0.6, 0.4], [0.4, 0.6]], 'float32'))
case('bce-keras-test', 'binary_crossentropy', np.array([[1, 0], [1, 0]], 'int64'), np.array([[1, 1], [1, 0]], 'float32'))
case('bce-keras-test-f64', 'binary_crossentropy', np.array([[1, 0], [1, 0]], 'int64'), np.array([[1, 1], [1, 0]], 'float64'))
case('bce-hard', 'binary_crossentropy', hard(7, 13), probs(7, 13))
case('bce-soft-smooth', 'binary_crossentropy', probs(5, 31), probs(5, 31), label_smoothing=0.1)
case('bce-smooth-1', 'binary_crossentropy', hard(4, 3), probs(4, 3), label_smoothing=1.0)
case('bce-edges', 'binary_crossentropy', np.tile(np.array([0, 1, 0.5], 'float32'), 12).reshape(3, 12), np.tile(EDGE_P, 3).reshape(3, 12))
case('bce-nan-target', 'binary_crossentropy', np.array([[NAN, 1, 0], [0, 1, INF]], 'float32'), np.array([[0.3, 0.4, 0.5], [0.5, 0.5, 0.5]], 'float32'))
case('bce-rank1', 'binary_crossentropy', hard(9), probs(9))
case('bce-axis0', 'binary_crossentropy', hard(4, 3, 5), probs(4, 3, 5), axis=0)
case('bce-axis1', 'binary_crossentropy', hard(4, 3, 5), probs(4, 3, 5), axis=1)
case('bce-f64', 'binary_crossentropy', probs(6, 10, dt='float64'), probs(6, 10, dt='float64'), label_smoothing=0.2)
case('bce-logits', 'binary_crossentropy', hard(8, 17), logits(8, 17), from_logits=True)
case('bce-logits-edges', 'binary_crossentropy', np.tile(np.array([0, 1, 0.25, 1], 'float32'), 12).reshape(3, 16), np.tile(EDGE_X, 3).reshape(3, 16), from_logits=True)
case('bce-logits-keras', 'binary_crossentropy', np.array([[1, 0, 1], [0, 1, 1]], 'int32'), np.array([[10, -10, 10], [10, 10, -10]], 'float32'), from_logits=True)
case('bce-logits-smooth', 'binary_crossentropy', np.array([[1, 0, 1]], 'int32'), np.array([[10, -10, -10]], 'float32'), from_logits=True, label_smoothing=0.1)
case('bce-logits-large', 'binary_crossentropy', hard(5, 9), logits(5, 9, scale=1e4), from_logits=True, label_smoothing=0.3)
case('bce-logits-f64', 'binary_crossentropy', hard(5, 9, dt='float64'), logits(5, 9, dt='float64'), from_logits=True)

# binary_focal_crossentropy
case('bfce-keras', 'binary_focal_crossentropy', np.array([[1, 0], [1, 0]], 'int64'), np.array([[0.9, 0.8], [0.7, 0.2]], 'float32'), gamma=2.0)
case('bfce-keras-logits', 'binary_focal_crossentropy', np.array([[1, 1, 0], [0, 1, 0]], 'float32'), np.array([[1.5, -2.7, 2.9], [-3.8, 1.2, -4.5]], 'float32'), gamma=3.0, from_logits=True)
case('bfce-balanced', 'binary_focal_crossentropy', hard(6, 11), probs(6, 11), apply_class_balancing=True, alpha=0.6, gamma=1.5)
case('bfce-gamma0', 'binary_focal_crossentropy', probs(4, 7), probs(4, 7), gamma=0.0)
case('bfce-gamma-half-smooth', 'binary_focal_crossentropy', hard(4, 7), probs(4, 7), gamma=0.5, label_smoothing=0.2, apply_class_balancing=True)
case('bfce-edges', 'binary_focal_crossentropy', np.tile(np.array([0, 1, 0.5], 'float32'), 12).reshape(3, 12), np.tile(EDGE_P, 3).reshape(3, 12), gamma=2.0)
case('bfce-logits-edges', 'binary_focal_crossentropy', np.tile(np.array([0, 1, 0.25, 1], 'float32'), 12).reshape(3, 16), np.tile(EDGE_X, 3).reshape(3, 16), from_logits=True, apply_class_balancing=True)
case('bfce-logits-smooth', 'binary_focal_crossentropy', hard(5, 8), logits(5, 8), from_logits=True, label_smoothing=0.1, gamma=2.5)
case('bfce-axis0', 'binary_focal_crossentropy', hard(3, 4, 5), probs(3, 4, 5), axis=0)
case('bfce-rank1', 'binary_focal_crossentropy', hard(10), probs(10))
case('bfce-f64', 'binary_focal_crossentropy', hard(4, 6, dt='float64'), logits(4, 6, dt='float64'), from_logits=True, apply_class_balancing=True, gamma=3.0)

# categorical_focal_crossentropy
case('cfce-docstring', 'categorical_focal_crossentropy', np.array([[0, 1, 0], [0, 0, 1]], 'int64'), np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]], 'float32'))
case('cfce-keras', 'categorical_focal_crossentropy', np.eye(3, dtype='int64'), np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]], 'float32'))
case('cfce-keras-logits', 'categorical_focal_crossentropy', np.eye(3, dtype='int64'), np.array([[8, 1, 1], [0, 9, 1], [2, 3, 5]], 'float32'), from_logits=True)
case('cfce-keras-smooth', 'categorical_focal_crossentropy', np.array([[1, 0, 0]], 'int64'), np.array([[4.9, -0.5, 2.05]], 'float32'), from_logits=True, label_smoothing=0.1)
case('cfce-alpha-list', 'categorical_focal_crossentropy', np.eye(4, dtype='float32')[rng.integers(0, 4, 9)], probs(9, 4), alpha=[0.1, 0.2, 0.3, 0.4], gamma=1.5)
case('cfce-logits-soft', 'categorical_focal_crossentropy', probs(6, 5), logits(6, 5), from_logits=True, gamma=0.5, label_smoothing=0.2)
case('cfce-axis1', 'categorical_focal_crossentropy', probs(2, 3, 4), probs(2, 3, 4), axis=1, alpha=[0.5, 0.25, 0.125, 1.0], label_smoothing=0.1)
case('cfce-edges', 'categorical_focal_crossentropy', np.tile(np.array([0, 1, 0.5, 0], 'float32'), 6).reshape(2, 12), np.tile(EDGE_P, 2).reshape(2, 12))
case('cfce-logits-edges', 'categorical_focal_crossentropy', np.tile(np.array([0, 1, 0, 0], 'float32'), 8).reshape(2, 16), np.tile(EDGE_X, 2).reshape(2, 16), from_logits=True)
case('cfce-rank1', 'categorical_focal_crossentropy', np.array([0, 0, 1, 0], 'int32'), np.array([0.1, 0.2, 0.6, 0.1], 'float32'), gamma=3.0)
case('cfce-f64', 'categorical_focal_crossentropy', probs(3, 6, dt='float64'), logits(3, 6, dt='float64'), from_logits=True, alpha=0.3)

# kl_divergence
case('kl-keras', 'kl_divergence', np.array([0.5, 0.8, 0.12, 0.7, 0.43, 0.8], 'float32').reshape(2, 3), np.array([0.4, 0.9, 0.12, 0.36, 0.3, 0.4], 'float32').reshape(2, 3))
case('kl-random', 'kl_divergence', probs(7, 19), probs(7, 19))
case('kl-edges', 'kl_divergence', np.tile(np.array([0, 1, 0.5, 2], 'float32'), 9).reshape(3, 12), np.tile(EDGE_P, 3).reshape(3, 12))
case('kl-rank3', 'kl_divergence', probs(2, 3, 33), probs(2, 3, 33))
case('kl-rank1', 'kl_divergence', probs(5), probs(5))
case('kl-int-target', 'kl_divergence', hard(4, 5, dt='int32'), probs(4, 5))
case('kl-f64', 'kl_divergence', probs(4, 9, dt='float64'), probs(4, 9, dt='float64'))

# poisson
case('poisson-keras', 'poisson', np.array([4, 8, 12, 8, 1, 3], 'float32').reshape(2, 3), np.array([1, 9, 2, 5, 2, 6], 'float32').reshape(2, 3))
case('poisson-random', 'poisson', rng.integers(0, 6, (6, 23)).astype('int64'), np.exp(rng.standard_normal((6, 23)) * 2).astype('float32'))
case('poisson-edges', 'poisson', np.tile(np.array([0, 1, 3], 'float32'), 12).reshape(3, 12), np.tile(np.array([0, -1e-7, -1, 1e-30, 1e-45, NAN, INF, 1, 2, 5, 1e30, -2e-7], 'float32'), 3).reshape(3, 12))
case('poisson-rank1', 'poisson', np.array([1, 2, 3], 'float32'), np.array([1.5, 2.5, 0.5], 'float32'))
case('poisson-f64', 'poisson', rng.integers(0, 6, (3, 8)).astype('float64'), np.exp(rng.standard_normal((3, 8))).astype('float64'))

print('\n'.join(lines))
