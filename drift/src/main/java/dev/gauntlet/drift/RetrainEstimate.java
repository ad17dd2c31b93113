package dev.gauntlet.drift;

/**
 * When the decay trend crosses the floor: a least-squares line of window accuracy on window
 * position (weighted by window rows), extrapolated forward.
 *
 * @param slope accuracy change per window period
 * @param intercept accuracy at position 0
 * @param windowsAhead periods after the last window until the line reaches the floor, 0 when the
 *     last window is already below it, capped at {@code horizon}
 * @param crosses whether the line reaches the floor within the horizon
 */
record RetrainEstimate(double slope, double intercept, double windowsAhead, boolean crosses) {

  static RetrainEstimate fit(double[] x, double[] y, double[] w, double floor, double lastX, double lastY, int horizon) {
    double sw = 0;
    double sx = 0;
    double sy = 0;
    for (int i = 0; i < x.length; i++) {
      sw += w[i];
      sx += w[i] * x[i];
      sy += w[i] * y[i];
    }
    double mx = sx / sw;
    double my = sy / sw;
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < x.length; i++) {
      sxx += w[i] * (x[i] - mx) * (x[i] - mx);
      sxy += w[i] * (x[i] - mx) * (y[i] - my);
    }
    double slope = sxx > 0 ? sxy / sxx : 0;
    double intercept = my - slope * mx;
    if (lastY < floor) {
      return new RetrainEstimate(slope, intercept, 0, true);
    }
    if (slope >= 0) {
      return new RetrainEstimate(slope, intercept, horizon, false);
    }
    double cross = (floor - intercept) / slope;
    double ahead = Math.max(0, cross - lastX);
    return ahead > horizon ? new RetrainEstimate(slope, intercept, horizon, false) : new RetrainEstimate(slope, intercept, ahead, true);
  }
}
