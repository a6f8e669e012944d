#include "layers.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "kernels.hpp"

namespace edgernn::train {

namespace k = kernels;

namespace {

// Keras Orthogonal(gain 1) for a rows × cols matrix, row-major: QR of a normal matrix of shape
// (max, min), Q's columns made to match R's positive diagonal, transposed when rows < cols.
// Modified Gram–Schmidt on the columns gives exactly that Q (diag R = column norms > 0).
std::vector<double> orthogonal(rng& r, std::size_t rows, std::size_t cols) {
  const std::size_t n = rows > cols ? rows : cols, m = rows > cols ? cols : rows;
  std::vector<double> a(n * m);  // n × m, row-major
  for (double& v : a)
    v = r.normal();
  for (std::size_t j = 0; j < m; ++j) {
    for (std::size_t i = 0; i < j; ++i) {
      double d = 0;
      for (std::size_t q = 0; q < n; ++q)
        d += a[q * m + i] * a[q * m + j];
      for (std::size_t q = 0; q < n; ++q)
        a[q * m + j] -= d * a[q * m + i];
    }
    double norm = 0;
    for (std::size_t q = 0; q < n; ++q)
      norm += a[q * m + j] * a[q * m + j];
    norm = std::sqrt(norm);
    for (std::size_t q = 0; q < n; ++q)
      a[q * m + j] /= norm;
  }
  if (rows >= cols) return a;  // rows × cols already
  std::vector<double> t(rows * cols);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j)
      t[i * cols + j] = a[j * m + i];
  return t;
}

// ---- Dense -----------------------------------------------------------------------------------
// y = act(x·K + b) on every row. Cache a: dz [rows][Up]. act(0) = 0 for linear, relu and tanh;
// sigmoid(0) = 0.5, so forward sets the padded outputs back to 0 (and y = 0 makes dz = 0 there).
template <class T>
class dense_layer final : public layer<T> {
  using layer<T>::s_, layer<T>::hp_, layer<T>::inp_, layer<T>::kt_;

 public:
  using layer<T>::layer;

  void reserve(layer_cache<T>& c, std::size_t steps, std::size_t batch) const override {
    c.a.resize(steps * batch * hp_);
  }

  void forward(const T* p, const T* x, std::size_t xs, std::size_t steps, std::size_t batch, T* y,
               layer_cache<T>&) const override {
    const std::size_t rows = steps * batch;
    this->fill_rows(y, rows, p + this->bias_at());
    k::gemm_nn(rows, hp_, s_.in, 1, x, xs, 0, p, hp_, 0, y, hp_, true);
    k::activate(s_.act, y, rows * hp_);
    if (s_.act == activation::sigmoid) {
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t j = s_.units; j < hp_; ++j)
          y[r * hp_ + j] = T(0);
    }
  }

  void backward(const T*, const T* x, std::size_t xs, const T* y, const T* dy, std::size_t,
                std::size_t steps, std::size_t batch, T* dx, layer_cache<T>& c, T* g,
                std::size_t) const override {
    const std::size_t rows = steps * batch;
    T* dz = c.a.data();
    k::activation_backward(s_.act, y, dy, dz, rows * hp_);
    k::gemm_tn(s_.in, hp_, rows, x, xs, dz, hp_, g, hp_);
    k::add_column_sums(rows, hp_, dz, hp_, g + this->bias_at());
    if (dx) k::gemm_nn(rows, inp_, s_.units, 1, dz, hp_, 0, kt_.data(), inp_, 0, dx, inp_, false);
  }
};

// ---- SimpleRNN -------------------------------------------------------------------------------
// h_t = act(x_t·K + h_{t−1}·U + b), act ∈ {tanh, relu} (both 0 at 0: the padding stays 0).
// act' is read from the output. Cache a: dz [steps·batch][Hp]; carry, dh: [batch][Hp].
template <class T>
class simple_rnn_layer final : public layer<T> {
  using layer<T>::s_, layer<T>::hp_, layer<T>::inp_, layer<T>::kt_, layer<T>::ut_;

 public:
  using layer<T>::layer;

  void reserve(layer_cache<T>& c, std::size_t steps, std::size_t batch) const override {
    c.a.resize(steps * batch * hp_);
    c.carry.resize(batch * hp_);
    c.dh.resize(batch * hp_);
  }

  void forward(const T* p, const T* x, std::size_t xs, std::size_t steps, std::size_t batch, T* y,
               layer_cache<T>&) const override {
    const std::size_t step = batch * hp_;
    this->fill_rows(y, steps * batch, p + this->bias_at());
    k::gemm_nn(steps * batch, hp_, s_.in, 1, x, xs, 0, p, hp_, 0, y, hp_, true);
    const T* u = p + this->recurrent_at();
    for (std::size_t t = 0; t < steps; ++t) {
      T* yt = y + t * step;
      if (t > 0) k::gemm_nn(batch, hp_, s_.units, 1, yt - step, hp_, 0, u, hp_, 0, yt, hp_, true);
      k::activate(s_.act, yt, step);
    }
  }

  void backward(const T*, const T* x, std::size_t xs, const T* y, const T* dy, std::size_t dy_first,
                std::size_t steps, std::size_t batch, T* dx, layer_cache<T>& c, T* g,
                std::size_t bptt) const override {
    const std::size_t step = batch * hp_;
    T* dz = c.a.data();
    T* carry = c.carry.data();
    T* dh = c.dh.data();
    bool live = false;  // carry holds a nonzero gradient
    for (std::size_t t = steps; t-- > 0;) {
      const T* dyt = t >= dy_first ? dy + t * step : nullptr;
      T* dzt = dz + t * step;
      if (!dyt && !live) {  // nothing reaches steps <= t
        for (std::size_t i = 0; i < (t + 1) * step; ++i)
          dz[i] = T(0);
        break;
      }
      for (std::size_t i = 0; i < step; ++i)
        dh[i] = (dyt ? dyt[i] : T(0)) + (live ? carry[i] : T(0));
      k::activation_backward(s_.act, y + t * step, dh, dzt, step);
      live = t > 0 && (bptt == 0 || (steps - t) % bptt != 0);
      if (live)
        k::gemm_nn(batch, hp_, s_.units, 1, dzt, hp_, 0, ut_.data(), hp_, 0, carry, hp_, false);
    }
    const std::size_t rows = steps * batch;
    k::gemm_tn(s_.in, hp_, rows, x, xs, dz, hp_, g, hp_);
    k::gemm_tn(s_.units, hp_, rows - batch, y, hp_, dz + step, hp_, g + this->recurrent_at(), hp_);
    k::add_column_sums(rows, hp_, dz, hp_, g + this->bias_at());
    if (dx) k::gemm_nn(rows, inp_, s_.units, 1, dz, hp_, 0, kt_.data(), inp_, 0, dx, inp_, false);
  }
};

// ---- LSTM ------------------------------------------------------------------------------------
// z = x·K + h·U + b (blocks i, f, c, o); i, f, o = σ(z_·), g = tanh(z_c);
// c_t = f∘c_{t−1} + i∘g; h_t = o∘tanh(c_t). On the padding z = 0: c stays 0.5·0 + 0.5·0 = 0
// and h = 0.5·tanh(0) = 0.
// Cache a: gates [steps·batch][4Hp] (activated; then dz), b: c_t, c: tanh(c_t) [steps·batch][Hp].
template <class T>
class lstm_layer final : public layer<T> {
  using layer<T>::s_, layer<T>::hp_, layer<T>::cols_, layer<T>::inp_, layer<T>::kt_, layer<T>::ut_;

 public:
  using layer<T>::layer;

  void reserve(layer_cache<T>& c, std::size_t steps, std::size_t batch) const override {
    c.a.resize(steps * batch * cols_);
    c.b.resize(steps * batch * hp_);
    c.c.resize(steps * batch * hp_);
    c.carry.resize(batch * hp_);
    c.carry_c.resize(batch * hp_);
    c.dh.resize(batch * hp_);
  }

  void forward(const T* p, const T* x, std::size_t xs, std::size_t steps, std::size_t batch, T* y,
               layer_cache<T>& c) const override {
    const std::size_t hp = hp_, step = batch * hp, gstep = batch * cols_;
    T* z = c.a.data();
    this->fill_rows(z, steps * batch, p + this->bias_at());
    k::gemm_nn(steps * batch, cols_, s_.in, 1, x, xs, 0, p, cols_, 0, z, cols_, true);
    const T* u = p + this->recurrent_at();
    for (std::size_t t = 0; t < steps; ++t) {
      T* zt = z + t * gstep;
      T* ct = c.b.data() + t * step;
      T* tct = c.c.data() + t * step;
      T* yt = y + t * step;
      if (t > 0)
        k::gemm_nn(batch, cols_, s_.units, 1, yt - step, hp, 0, u, cols_, 0, zt, cols_, true);
      for (std::size_t b = 0; b < batch; ++b) {
        T* row = zt + b * cols_;
        k::activate(activation::sigmoid, row, 2 * hp);
        k::activate(activation::tanh, row + 2 * hp, hp);
        k::activate(activation::sigmoid, row + 3 * hp, hp);
        const T* cprev = t > 0 ? ct - step + b * hp : nullptr;
        T* cb = ct + b * hp;
        for (std::size_t j = 0; j < hp; ++j)
          cb[j] = (cprev ? row[hp + j] * cprev[j] : T(0)) + row[j] * row[2 * hp + j];
      }
      for (std::size_t i = 0; i < step; ++i)
        tct[i] = ct[i];
      k::activate(activation::tanh, tct, step);
      for (std::size_t b = 0; b < batch; ++b) {
        const T* o = zt + b * cols_ + 3 * hp;
        for (std::size_t j = 0; j < hp; ++j)
          yt[b * hp + j] = o[j] * tct[b * hp + j];
      }
    }
  }

  void backward(const T*, const T* x, std::size_t xs, const T* y, const T* dy, std::size_t dy_first,
                std::size_t steps, std::size_t batch, T* dx, layer_cache<T>& c, T* g,
                std::size_t bptt) const override {
    const std::size_t hp = hp_, step = batch * hp, gstep = batch * cols_;
    T* dz = c.a.data();
    T* carry = c.carry.data();
    T* carry_c = c.carry_c.data();
    bool live = false;
    for (std::size_t t = steps; t-- > 0;) {
      const T* dyt = t >= dy_first ? dy + t * step : nullptr;
      if (!dyt && !live) {
        for (std::size_t i = 0; i < (t + 1) * gstep; ++i)
          dz[i] = T(0);
        break;
      }
      T* zt = dz + t * gstep;
      const T* ct = c.b.data() + t * step;
      const T* tct = c.c.data() + t * step;
      for (std::size_t b = 0; b < batch; ++b) {
        T* row = zt + b * cols_;
        const T* cprev = t > 0 ? ct - step + b * hp : nullptr;
        for (std::size_t j = 0; j < hp; ++j) {
          const std::size_t e = b * hp + j;
          const T dh = (dyt ? dyt[e] : T(0)) + (live ? carry[e] : T(0));
          const T i = row[j], f = row[hp + j], gg = row[2 * hp + j], o = row[3 * hp + j];
          const T tc = tct[e];
          const T dc = (live ? carry_c[e] : T(0)) + dh * o * (T(1) - tc * tc);
          row[j] = dc * gg * i * (T(1) - i);
          row[hp + j] = cprev ? dc * cprev[j] * f * (T(1) - f) : T(0);
          row[2 * hp + j] = dc * i * (T(1) - gg * gg);
          row[3 * hp + j] = dh * tc * o * (T(1) - o);
          carry_c[e] = dc * f;
        }
      }
      live = t > 0 && (bptt == 0 || (steps - t) % bptt != 0);
      if (live)
        k::gemm_nn(batch, hp, s_.units, 4, zt, cols_, hp, ut_.data(), hp, hp, carry, hp, false);
    }
    const std::size_t rows = steps * batch;
    k::gemm_tn(s_.in, cols_, rows, x, xs, dz, cols_, g, cols_);
    k::gemm_tn(s_.units, cols_, rows - batch, y, hp, dz + gstep, cols_, g + this->recurrent_at(),
               cols_);
    k::add_column_sums(rows, cols_, dz, cols_, g + this->bias_at());
    if (dx)
      k::gemm_nn(rows, inp_, s_.units, 4, dz, cols_, hp, kt_.data(), inp_, hp, dx, inp_, false);
  }
};

// ---- GRU, reset_after = true (Keras 2 default, PyTorch) -------------------------------------
// xz = x·K + b0, a = h·U + b1 (blocks z, r, h); z = σ(xz_z + a_z), r = σ(xz_r + a_r),
// n = tanh(xz_h + r∘a_h), h_t = z∘h_{t−1} + (1 − z)∘n. On the padding n = 0, so h stays 0.
// Cache a: [steps·batch][3Hp] activated z, r, n (then dxz); b: a = h·U + b1 (then da).
template <class T>
class gru_after_layer final : public layer<T> {
  using layer<T>::s_, layer<T>::hp_, layer<T>::cols_, layer<T>::inp_, layer<T>::kt_, layer<T>::ut_;

 public:
  using layer<T>::layer;

  void reserve(layer_cache<T>& c, std::size_t steps, std::size_t batch) const override {
    c.a.resize(steps * batch * cols_);
    c.b.resize(steps * batch * cols_);
    c.carry.resize(batch * hp_);
    c.dh.resize(batch * hp_);
  }

  void forward(const T* p, const T* x, std::size_t xs, std::size_t steps, std::size_t batch, T* y,
               layer_cache<T>& c) const override {
    const std::size_t hp = hp_, step = batch * hp, gstep = batch * cols_;
    T* xz = c.a.data();
    T* az = c.b.data();
    this->fill_rows(xz, steps * batch, p + this->bias_at());
    k::gemm_nn(steps * batch, cols_, s_.in, 1, x, xs, 0, p, cols_, 0, xz, cols_, true);
    this->fill_rows(az, steps * batch, p + this->bias1_at());
    const T* u = p + this->recurrent_at();
    for (std::size_t t = 0; t < steps; ++t) {
      T* xt = xz + t * gstep;
      T* at = az + t * gstep;
      T* yt = y + t * step;
      const T* hprev = t > 0 ? yt - step : nullptr;
      if (hprev) k::gemm_nn(batch, cols_, s_.units, 1, hprev, hp, 0, u, cols_, 0, at, cols_, true);
      for (std::size_t b = 0; b < batch; ++b) {
        T* row = xt + b * cols_;
        const T* arow = at + b * cols_;
        for (std::size_t j = 0; j < 2 * hp; ++j)
          row[j] += arow[j];
        k::activate(activation::sigmoid, row, 2 * hp);
        for (std::size_t j = 0; j < hp; ++j)
          row[2 * hp + j] += row[hp + j] * arow[2 * hp + j];
        k::activate(activation::tanh, row + 2 * hp, hp);
        T* h = yt + b * hp;
        for (std::size_t j = 0; j < hp; ++j) {
          const T zz = row[j], n = row[2 * hp + j];
          h[j] = hprev ? zz * hprev[b * hp + j] + (T(1) - zz) * n : (T(1) - zz) * n;
        }
      }
    }
  }

  void backward(const T*, const T* x, std::size_t xs, const T* y, const T* dy, std::size_t dy_first,
                std::size_t steps, std::size_t batch, T* dx, layer_cache<T>& c, T* g,
                std::size_t bptt) const override {
    const std::size_t hp = hp_, step = batch * hp, gstep = batch * cols_;
    T* dxz = c.a.data();
    T* da = c.b.data();
    T* carry = c.carry.data();
    T* next = c.dh.data();
    bool live = false;
    for (std::size_t t = steps; t-- > 0;) {
      const T* dyt = t >= dy_first ? dy + t * step : nullptr;
      if (!dyt && !live) {
        for (std::size_t i = 0; i < (t + 1) * gstep; ++i)
          dxz[i] = da[i] = T(0);
        break;
      }
      T* xt = dxz + t * gstep;
      T* at = da + t * gstep;
      const T* hprev = t > 0 ? y + (t - 1) * step : nullptr;
      for (std::size_t b = 0; b < batch; ++b) {
        T* row = xt + b * cols_;
        T* arow = at + b * cols_;
        for (std::size_t j = 0; j < hp; ++j) {
          const std::size_t e = b * hp + j;
          const T dh = (dyt ? dyt[e] : T(0)) + (live ? carry[e] : T(0));
          const T zz = row[j], r = row[hp + j], n = row[2 * hp + j], ah = arow[2 * hp + j];
          const T hp_e = hprev ? hprev[e] : T(0);
          const T dpn = dh * (T(1) - zz) * (T(1) - n * n);
          const T dpz = dh * (hp_e - n) * zz * (T(1) - zz);
          const T dpr = dpn * ah * r * (T(1) - r);
          row[j] = arow[j] = dpz;
          row[hp + j] = arow[hp + j] = dpr;
          row[2 * hp + j] = dpn;
          arow[2 * hp + j] = dpn * r;
          next[e] = dh * zz;
        }
      }
      live = t > 0 && (bptt == 0 || (steps - t) % bptt != 0);
      if (live) {
        k::gemm_nn(batch, hp, s_.units, 3, at, cols_, hp, ut_.data(), hp, hp, next, hp, true);
        std::swap(carry, next);
      }
    }
    const std::size_t rows = steps * batch;
    k::gemm_tn(s_.in, cols_, rows, x, xs, dxz, cols_, g, cols_);
    k::gemm_tn(s_.units, cols_, rows - batch, y, hp, da + gstep, cols_, g + this->recurrent_at(),
               cols_);
    k::add_column_sums(rows, cols_, dxz, cols_, g + this->bias_at());
    k::add_column_sums(rows, cols_, da, cols_, g + this->bias1_at());
    if (dx)
      k::gemm_nn(rows, inp_, s_.units, 3, dxz, cols_, hp, kt_.data(), inp_, hp, dx, inp_, false);
  }
};

// ---- GRU, reset_after = false (Keras 1 / the original paper) --------------------------------
// xz = x·K + b; z = σ(xz_z + h·U_z), r = σ(xz_r + h·U_r); n = tanh(xz_h + (r∘h)·U_h);
// h_t = z∘h_{t−1} + (1 − z)∘n.
// Cache a: [steps·batch][3Hp] activated z, r, n (then dxz); b: r∘h_{t−1} [steps·batch][Hp].
template <class T>
class gru_before_layer final : public layer<T> {
  using layer<T>::s_, layer<T>::hp_, layer<T>::cols_, layer<T>::inp_, layer<T>::kt_, layer<T>::ut_;

 public:
  using layer<T>::layer;

  void reserve(layer_cache<T>& c, std::size_t steps, std::size_t batch) const override {
    c.a.resize(steps * batch * cols_);
    c.b.resize(steps * batch * hp_);
    c.carry.resize(batch * hp_);
    c.dh.resize(batch * hp_);
    c.temp.resize(batch * hp_);
  }

  void forward(const T* p, const T* x, std::size_t xs, std::size_t steps, std::size_t batch, T* y,
               layer_cache<T>& c) const override {
    const std::size_t hp = hp_, step = batch * hp, gstep = batch * cols_;
    T* xz = c.a.data();
    this->fill_rows(xz, steps * batch, p + this->bias_at());
    k::gemm_nn(steps * batch, cols_, s_.in, 1, x, xs, 0, p, cols_, 0, xz, cols_, true);
    const T* u = p + this->recurrent_at();
    for (std::size_t t = 0; t < steps; ++t) {
      T* xt = xz + t * gstep;
      T* rh = c.b.data() + t * step;
      T* yt = y + t * step;
      const T* hprev = t > 0 ? yt - step : nullptr;
      if (hprev) k::gemm_nn(batch, 2 * hp, s_.units, 1, hprev, hp, 0, u, cols_, 0, xt, cols_, true);
      for (std::size_t b = 0; b < batch; ++b) {
        T* row = xt + b * cols_;
        k::activate(activation::sigmoid, row, 2 * hp);
        for (std::size_t j = 0; j < hp; ++j)
          rh[b * hp + j] = hprev ? row[hp + j] * hprev[b * hp + j] : T(0);
      }
      if (hprev)
        k::gemm_nn(batch, hp, s_.units, 1, rh, hp, 0, u + 2 * hp, cols_, 0, xt + 2 * hp, cols_,
                   true);
      for (std::size_t b = 0; b < batch; ++b) {
        T* row = xt + b * cols_;
        k::activate(activation::tanh, row + 2 * hp, hp);
        T* h = yt + b * hp;
        for (std::size_t j = 0; j < hp; ++j) {
          const T zz = row[j], n = row[2 * hp + j];
          h[j] = hprev ? zz * hprev[b * hp + j] + (T(1) - zz) * n : (T(1) - zz) * n;
        }
      }
    }
  }

  void backward(const T*, const T* x, std::size_t xs, const T* y, const T* dy, std::size_t dy_first,
                std::size_t steps, std::size_t batch, T* dx, layer_cache<T>& c, T* g,
                std::size_t bptt) const override {
    const std::size_t hp = hp_, step = batch * hp, gstep = batch * cols_;
    T* dxz = c.a.data();
    T* carry = c.carry.data();
    T* next = c.dh.data();
    T* drh = c.temp.data();
    bool live = false;
    for (std::size_t t = steps; t-- > 0;) {
      const T* dyt = t >= dy_first ? dy + t * step : nullptr;
      if (!dyt && !live) {
        for (std::size_t i = 0; i < (t + 1) * gstep; ++i)
          dxz[i] = T(0);
        break;
      }
      T* xt = dxz + t * gstep;
      const T* hprev = t > 0 ? y + (t - 1) * step : nullptr;
      for (std::size_t b = 0; b < batch; ++b) {
        T* row = xt + b * cols_;
        for (std::size_t j = 0; j < hp; ++j) {
          const std::size_t e = b * hp + j;
          const T dh = (dyt ? dyt[e] : T(0)) + (live ? carry[e] : T(0));
          const T zz = row[j], n = row[2 * hp + j];
          const T hp_e = hprev ? hprev[e] : T(0);
          row[j] = dh * (hp_e - n) * zz * (T(1) - zz);
          row[2 * hp + j] = dh * (T(1) - zz) * (T(1) - n * n);
          next[e] = dh * zz;
        }
      }
      live = t > 0 && (bptt == 0 || (steps - t) % bptt != 0);
      if (!hprev) {  // r multiplies h_{−1} = 0: no gradient reaches r at step 0
        for (std::size_t b = 0; b < batch; ++b)
          for (std::size_t j = 0; j < hp; ++j)
            xt[b * cols_ + hp + j] = T(0);
        continue;
      }
      // d(r∘h) = dn·U_hᵀ; dr = d(r∘h)∘h_{t−1}; dh_{t−1} += d(r∘h)∘r.
      k::gemm_nn(batch, hp, s_.units, 1, xt + 2 * hp, cols_, 0, ut_.data() + 2 * hp * hp, hp, 0,
                 drh, hp, false);
      for (std::size_t b = 0; b < batch; ++b) {
        T* row = xt + b * cols_;
        for (std::size_t j = 0; j < hp; ++j) {
          const std::size_t e = b * hp + j;
          const T r = row[hp + j];
          row[hp + j] = drh[e] * hprev[e] * r * (T(1) - r);
          next[e] += drh[e] * r;
        }
      }
      if (live) {
        k::gemm_nn(batch, hp, s_.units, 2, xt, cols_, hp, ut_.data(), hp, hp, next, hp, true);
        std::swap(carry, next);
      }
    }
    const std::size_t rows = steps * batch;
    T* gu = g + this->recurrent_at();
    k::gemm_tn(s_.in, cols_, rows, x, xs, dxz, cols_, g, cols_);
    k::gemm_tn(s_.units, 2 * hp, rows - batch, y, hp, dxz + gstep, cols_, gu, cols_);
    k::gemm_tn(s_.units, hp, rows, c.b.data(), hp, dxz + 2 * hp, cols_, gu + 2 * hp, cols_);
    k::add_column_sums(rows, cols_, dxz, cols_, g + this->bias_at());
    if (dx)
      k::gemm_nn(rows, inp_, s_.units, 3, dxz, cols_, hp, kt_.data(), inp_, hp, dx, inp_, false);
  }
};

}  // namespace

template <class T>
layer<T>::layer(const layer_shape& s)
    : s_(s), hp_(padded(s.units)), cols_(s.gates() * padded(s.units)), inp_(padded(s.in)) {
  kt_.resize(cols_ * inp_);
  if (s_.recurrent()) ut_.resize(cols_ * hp_);
}

template <class T>
std::size_t layer<T>::param_size() const noexcept {
  return bias_at() + (has_bias1() ? 2 : 1) * cols_;
}

template <class T>
void layer<T>::fill_rows(T* dst, std::size_t rows, const T* b) const noexcept {
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < cols_; ++j)
      dst[r * cols_ + j] = b[j];
}

template <class T>
void layer<T>::init(rng& r, T* p) const {
  const std::size_t g = s_.gates(), h = s_.units;
  for (std::size_t i = 0; i < param_size(); ++i)
    p[i] = T(0);
  // Glorot uniform over the Keras kernel shape (in, G·units).
  const double limit = std::sqrt(6.0 / static_cast<double>(s_.in + g * h));
  for (std::size_t i = 0; i < s_.in; ++i)
    for (std::size_t c = 0; c < g * h; ++c)
      p[kernel_at() + i * cols_ + (c / h) * hp_ + c % h] = T(r.uniform(-limit, limit));
  if (s_.recurrent()) {
    const std::vector<double> q = orthogonal(r, h, g * h);
    for (std::size_t i = 0; i < h; ++i)
      for (std::size_t c = 0; c < g * h; ++c)
        p[recurrent_at() + i * cols_ + (c / h) * hp_ + c % h] = T(q[i * g * h + c]);
  }
  if (s_.kind == layer_kind::lstm)
    for (std::size_t j = 0; j < h; ++j)
      p[bias_at() + hp_ + j] = T(1);
}

template <class T>
void layer<T>::to_desc(const T* p, io::layer_desc& d) const {
  const std::size_t g = s_.gates(), h = s_.units;
  d.kind = s_.kind;
  d.act = s_.act;
  d.reset_after = s_.reset_after;
  d.in = s_.in;
  d.units = h;
  const auto col = [&](std::size_t c) { return (c / h) * hp_ + c % h; };
  d.kernel.assign(s_.in * g * h, 0.0f);
  for (std::size_t i = 0; i < s_.in; ++i)
    for (std::size_t c = 0; c < g * h; ++c)
      d.kernel[i * g * h + c] = static_cast<float>(p[kernel_at() + i * cols_ + col(c)]);
  d.recurrent.clear();
  if (s_.recurrent()) {
    d.recurrent.assign(h * g * h, 0.0f);
    for (std::size_t i = 0; i < h; ++i)
      for (std::size_t c = 0; c < g * h; ++c)
        d.recurrent[i * g * h + c] = static_cast<float>(p[recurrent_at() + i * cols_ + col(c)]);
  }
  const std::size_t rows = has_bias1() ? 2 : 1;
  d.bias.assign(rows * g * h, 0.0f);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < g * h; ++c)
      d.bias[r * g * h + c] = static_cast<float>(p[bias_at() + r * cols_ + col(c)]);
}

template <class T>
void layer<T>::from_desc(const io::layer_desc& d, T* p) const {
  const std::size_t g = s_.gates(), h = s_.units;
  for (std::size_t i = 0; i < param_size(); ++i)
    p[i] = T(0);
  const auto col = [&](std::size_t c) { return (c / h) * hp_ + c % h; };
  for (std::size_t i = 0; i < s_.in; ++i)
    for (std::size_t c = 0; c < g * h; ++c)
      p[kernel_at() + i * cols_ + col(c)] = T(d.kernel[i * g * h + c]);
  if (s_.recurrent())
    for (std::size_t i = 0; i < h; ++i)
      for (std::size_t c = 0; c < g * h; ++c)
        p[recurrent_at() + i * cols_ + col(c)] = T(d.recurrent[i * g * h + c]);
  const std::size_t rows = has_bias1() ? 2 : 1;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < g * h; ++c)
      p[bias_at() + r * cols_ + col(c)] = T(d.bias[r * g * h + c]);
}

template <class T>
void layer<T>::refresh(const T* p) {
  for (std::size_t c = 0; c < cols_; ++c)
    for (std::size_t i = 0; i < inp_; ++i)
      kt_[c * inp_ + i] = i < s_.in ? p[kernel_at() + i * cols_ + c] : T(0);
  if (s_.recurrent())
    for (std::size_t c = 0; c < cols_; ++c)
      for (std::size_t i = 0; i < hp_; ++i)
        ut_[c * hp_ + i] = i < s_.units ? p[recurrent_at() + i * cols_ + c] : T(0);
}

template <class T>
std::unique_ptr<layer<T>> make_layer(const layer_shape& s) {
  if (s.in == 0 || s.units == 0) throw std::invalid_argument("layer sizes must be positive");
  switch (s.kind) {
    case layer_kind::dense:
      return std::make_unique<dense_layer<T>>(s);
    case layer_kind::simple_rnn:
      if (s.act != activation::tanh && s.act != activation::relu)
        throw std::invalid_argument("simple_rnn takes tanh or relu, not " +
                                    std::string(to_string(s.act)));
      return std::make_unique<simple_rnn_layer<T>>(s);
    case layer_kind::lstm:
      return std::make_unique<lstm_layer<T>>(s);
    case layer_kind::gru:
      if (s.reset_after) return std::make_unique<gru_after_layer<T>>(s);
      return std::make_unique<gru_before_layer<T>>(s);
  }
  throw std::invalid_argument("unknown layer kind");
}

template class layer<float>;
template class layer<double>;
template std::unique_ptr<layer<float>> make_layer<float>(const layer_shape&);
template std::unique_ptr<layer<double>> make_layer<double>(const layer_shape&);

}  // namespace edgernn::train
