// log1p, expm1 and softplus to float32 precision without relying on the accuracy of the
// platform's log near 1 (Vulkan allows an absolute error of 2^-21 there).

/** log(1 + x) for x > -1: the series 2·atanh(y), y = x / (2 + x), where |y| <= 1/3. */
fn log1pPrecise(x: f32) -> f32 {
  if (x > 1.0 || x < -0.5) {
    return log(1.0 + x);
  }
  let y = x / (2.0 + x);
  let y2 = y * y;
  // 2(y + y^3/3 + ... + y^19/19); |y| <= 1/3 so the tail is below 1e-10
  var s = 1.0 / 19.0;
  s = s * y2 + 1.0 / 17.0;
  s = s * y2 + 1.0 / 15.0;
  s = s * y2 + 1.0 / 13.0;
  s = s * y2 + 1.0 / 11.0;
  s = s * y2 + 1.0 / 9.0;
  s = s * y2 + 1.0 / 7.0;
  s = s * y2 + 1.0 / 5.0;
  s = s * y2 + 1.0 / 3.0;
  s = s * y2 + 1.0;
  return 2.0 * y * s;
}

/** exp(x) - 1, Taylor series for |x| < 0.5. */
fn expm1Precise(x: f32) -> f32 {
  if (abs(x) >= 0.5) {
    return exp(x) - 1.0;
  }
  var s = 1.0 / 362880.0;
  s = s * x + 1.0 / 40320.0;
  s = s * x + 1.0 / 5040.0;
  s = s * x + 1.0 / 720.0;
  s = s * x + 1.0 / 120.0;
  s = s * x + 1.0 / 24.0;
  s = s * x + 1.0 / 6.0;
  s = s * x + 0.5;
  s = s * x + 1.0;
  return x * s;
}

/** log(1 + e^x) */
fn softplus(x: f32) -> f32 {
  return max(x, 0.0) + log1pPrecise(exp(-abs(x)));
}
