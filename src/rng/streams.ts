// Stream ids of the counter-based RNG. Mirrored in shaders/rng.wgsl; keep the two in sync.
export const Stream = {
  /** per-epoch Fisher–Yates shuffle of the training set (step = epoch) */
  shuffle: 1,
  /** dynamic binarization of training images (step = epoch, index = image·pixels + pixel) */
  binarizeTrain: 2,
  /** binarization of the test set (step = evaluation number) */
  binarizeTest: 3,
  /** weight initialization (step = layer, index = element) */
  init: 4,
  /** action sampling of the softmax output (step = update, index = example) */
  action: 5,
  /** action sampling during evaluation (step = evaluation number) */
  evalAction: 6,
  /** inspection of one example (playground, classroom): action stream (step = 0) */
  inspectAction: 7,
  /** inspection: hidden layer l samples with inspectHiddenBase + l */
  inspectHiddenBase: 96,
  /** hidden layer l sampling during training: hiddenBase + l (step = update, index = example·width + unit) */
  hiddenBase: 16,
  /** hidden layer l sampling during evaluation: evalHiddenBase + l */
  evalHiddenBase: 64,
  /** VAE streams start here; the VAE model documents its own offsets */
  vaeBase: 128,
} as const;
