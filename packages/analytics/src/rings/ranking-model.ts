import type { RankingModel } from './ranking.js';

/**
 * The ranking model in force, fitted by `node packages/bench/dist/fit-ranking.js` on the
 * development worlds only (seeds 1, 2, 3 and 7: as told, with laundering, variants 1 and
 * 2; docs/analytics.md). Features, in order: log_mass_short_per_neighbour, log_mass_long_per_neighbour, path_risk, reported_neighbours, reported_share, reported.
 * The test worlds (seeds 101–110 and 201–210) were never used to fit or choose any of it.
 */
export const DEFAULT_RANKING_MODEL: RankingModel = {
  version: 'rank-1',
  restart: [0.5, 0.15],
  iterations: 8,
  mean: [-6.719691, -6.300723, 0.07228, 0.146419, 0.140167, 0],
  scale: [2.468549, 2.637036, 0.182592, 0.320872, 0.31769, 1],
  weights: [0, 0.006294, 2.170283, 0, 0, 0],
  intercept: -3.10057,
  calibration: {
    x: [
      0.018212, 0.018215, 0.033761, 0.034173, 0.034725, 0.034731, 0.038027, 0.038731, 0.040579,
      0.040733, 0.040761, 0.042611, 0.048426, 0.052976, 0.173362, 0.177201, 0.177586, 0.177945,
      0.245683, 0.312506, 0.349392, 0.3513, 0.354471, 0.360953, 0.502089, 0.526039, 0.743921,
      0.745589, 0.746902, 0.834338, 0.836909, 0.839501, 0.908802, 0.913845, 0.934395, 0.942154,
      0.953127, 0.977877, 0.982408, 0.996193, 0.996521, 0.998461,
    ],
    y: [
      0.020833, 0.034131, 0.038029, 0.039442, 0.041667, 0.042494, 0.043556, 0.049877, 0.053977,
      0.058824, 0.087021, 0.111111, 0.127542, 0.131037, 0.15493, 0.333333, 0.5, 0.545038, 0.572626,
      0.574163, 0.666667, 0.714286, 0.777778, 0.800607, 0.804281, 0.807286, 0.823529, 0.875,
      0.919028, 0.931034, 0.940447, 0.955463, 0.956835, 0.959497, 0.972603, 0.982289, 0.993723,
      0.995349, 0.996815, 0.998145, 0.998417, 0.999328,
    ],
  },
};
