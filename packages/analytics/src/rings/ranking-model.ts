import type { RankingModel } from './ranking.js';

/**
 * The ranking model in force, fitted by `node packages/bench/dist/fit-ranking.js` on the
 * development worlds only (seeds 1, 2, 3 and 7: as told, with laundering, variants 1 and
 * 2; docs/analytics.md). Features, in order: log_mass_short_per_neighbour, log_mass_long_per_neighbour, path_risk, path_risk_undamped, reported_neighbours, reported_share, reported.
 * The test worlds (seeds 101–110 and 201–210) were never used to fit or choose any of it.
 * rank-2 added path_risk_undamped (rank-1 read the damped path alone). The far mass's
 * weight is the fit's (0) plus MASS_TIE_BREAK, which the fitter adds.
 */
export const DEFAULT_RANKING_MODEL: RankingModel = {
  version: 'rank-2',
  restart: [0.5, 0.15],
  iterations: 8,
  mean: [-6.719691, -6.300723, 0.07228, 0.098581, 0.146419, 0.140167, 0],
  scale: [2.468549, 2.637036, 0.182592, 0.19425, 0.320872, 0.31769, 1],
  weights: [0, 0.001, 1.031285, 1.334839, 0, 0, 0],
  intercept: -3.406325,
  calibration: {
    x: [
      0.010612, 0.010612, 0.033227, 0.033303, 0.034552, 0.229683, 0.239331, 0.249646, 0.262158,
      0.263798, 0.2817, 0.296474, 0.298594, 0.312369, 0.328202, 0.355265, 0.359544, 0.359985,
      0.377556, 0.552854, 0.611926, 0.612765, 0.661701, 0.663945, 0.701261, 0.702151, 0.762888,
      0.81117, 0.836062, 0.838814, 0.842838, 0.850024, 0.860242, 0.903465, 0.905906, 0.938558,
      0.949914, 0.955416, 0.957797, 0.978986, 0.980612, 0.995616, 0.996467, 0.99678, 0.998658,
    ],
    y: [
      0.020845, 0.031719, 0.032407, 0.043936, 0.046581, 0.061644, 0.074286, 0.107717, 0.144928,
      0.145833, 0.252505, 0.291139, 0.321667, 0.339307, 0.481804, 0.521505, 0.571429, 0.58665,
      0.623812, 0.641753, 0.666667, 0.694289, 0.815789, 0.838217, 0.846154, 0.856664, 0.910599,
      0.917632, 0.931818, 0.9375, 0.945055, 0.955128, 0.955418, 0.955882, 0.973518, 0.990621,
      0.992819, 0.993151, 0.994549, 0.994917, 0.996716, 0.99817, 0.998336, 0.998469, 0.998852,
    ],
  },
};
