// The first screen's words: a subtitle that fits the task, and per task one or two plain sentences
// of what the network sees, does and is rewarded for, and what to watch (issue 24). Pure text.
import type { PlaygroundConfig } from '../../playground/config.ts';

/** The header's subtitle for a configuration: what is compared, on which kind of network. */
export function taskSubtitle(config: Pick<PlaygroundConfig, 'task' | 'units' | 'hidden'>): string {
  const hnca = 'Hindsight Network Credit Assignment (HNCA) vs REINFORCE';
  switch (config.task) {
    case 'vae':
      return `${hnca} training a discrete VAE: an encoder of random 0/1 codes for handwritten digits`;
    case 'conv':
      return `${hnca} on a convolutional network feeding a layer of random on/off units, learning MNIST digits from reward alone`;
    case 'patterns':
      return `${hnca} on a tiny network of random on/off units, learning four 4×4 patterns from reward alone`;
    case 'mnist':
      return config.units === 'categorical'
        ? `${hnca} on a network of random categorical units (each picks one of N values), learning MNIST digits from reward alone`
        : `${hnca} on a network of random on/off units, learning MNIST digits from reward alone`;
  }
}

/** The intro's two sentences: what happens, and what to watch. */
export interface TaskIntro {
  /** what the network sees, does and is rewarded for */
  what: string;
  /** what to watch on the charts */
  watch: string;
}

/** The plain-language introduction of a configuration's task. */
export function taskIntro(config: Pick<PlaygroundConfig, 'task' | 'units' | 'hidden' | 'width' | 'categories'>): TaskIntro {
  const layers = config.hidden === 1 ? `a layer of ${config.width}` : `${config.hidden} layers of ${config.width}`;
  const unitWords = config.units === 'categorical' ? `random units that each pick one of ${config.categories} values` : 'random on/off units';
  const reward = 'it gets reward 1 when the guess is right and 0 otherwise, and is never told the answer.';
  const watch =
    'Watch the gradient-variance chart: HNCA’s line runs several nats below REINFORCE’s (each nat is a factor e ≈ 2.7 less noise in the updates), so its accuracy climbs faster.';
  switch (config.task) {
    case 'patterns':
      return {
        what: `The network sees a 4×4 picture of one of the four patterns below (with a few pixels flipped), passes it through ${layers} ${unitWords} and guesses which pattern it is; ${reward}`,
        watch: 'Watch accuracy rise from chance (0.25) towards 1, HNCA first, while its gradient-variance line stays below REINFORCE’s.',
      };
    case 'vae':
      return {
        what: 'The encoder turns a handwritten digit into layers of random 0/1 codes and the decoder redraws the digit from them; both are trained to raise the ELBO, a lower bound on how likely the digit is under the model (in nats, higher is better).',
        watch: 'Watch the ELBO chart: the HNCA estimators climb faster than REINFORCE, because their encoder-gradient variance (the chart beside or below it) is lower.',
      };
    case 'conv':
      return {
        what: `The network sees a handwritten digit, passes it through two convolutional layers and ${layers} ${unitWords}, and guesses the digit; ${reward} This network is large: each update takes much longer than on the other tasks.`,
        watch,
      };
    case 'mnist':
      return { what: `The network sees a black-and-white handwritten digit, passes it through ${layers} ${unitWords} and guesses the digit; ${reward}`, watch };
  }
}
