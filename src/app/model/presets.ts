// Classroom and research presets: plain URL configurations (open one and it is an ordinary shareable link).
import { CONTROL_NAMES, type ControlName } from '../../playground/config.ts';

export interface Preset {
  name: string;
  /** one or two sentences; a classroom preset's says exactly what it shows */
  description: string;
  /** the query string, as it would appear in the address bar */
  query: string;
}

/** Every group except `shown`, as a `hide=` value (a classroom link that shows only what it names). */
function hideAllBut(shown: readonly ControlName[]): string {
  return CONTROL_NAMES.filter((c) => !shown.includes(c)).join(',');
}

/** What the tiny-patterns classroom link shows, besides Play / step / Reset, the status line and the charts. */
export const CLASSROOM_SHOWN: readonly ControlName[] = ['intro', 'inside'];

export const PRESETS: readonly Preset[] = [
  {
    name: 'Classroom: tiny patterns, HNCA vs REINFORCE',
    description:
      'One hidden layer of 16 units learns four 4×4 patterns at 50 updates a second (under a minute). Shown: the task in two sentences, Play / step / Reset, the status line, the charts and the inside of the network; every setting is hidden.',
    query: `?task=patterns&est=hnca,reinforce&speed=2&hide=${hideAllBut(CLASSROOM_SHOWN)}`,
  },
  {
    name: 'Classroom: MNIST, one hidden layer, same seed',
    description: 'HNCA vs REINFORCE on MNIST from the same initial weights and minibatches (faster learning rate 1e-3). The network’s shape, the optimizer and the engine are fixed; batch, learning rate, seeds, epochs and speed stay editable.',
    query: '?task=mnist&lr=0.001&est=hnca,reinforce&hide=task,hidden,width,optimizer,values,units,engine,engine-line,paper',
  },
  {
    name: 'Paper: Figure 1, one hidden layer',
    description: 'The paper’s setting: 200 units, batch 50, Adam 1e-4, all four estimators, 5 seeds, 100 epochs, with the paper’s final values drawn for comparison.',
    query: '?task=mnist&est=hnca,hnca-baseline,reinforce,reinforce-baseline&seeds=5&paper=1',
  },
  {
    name: 'Depth: three hidden layers',
    description: 'Credit assignment gets harder with depth; the baseline helps HNCA here.',
    query: '?task=mnist&hidden=3&lr=0.001&est=hnca,hnca-baseline,reinforce,reinforce-baseline&paper=1',
  },
  {
    name: 'Paper: Figure 3, discrete VAE, all six estimators',
    description:
      'The paper’s VAE of two stochastic layers of 200 Bernoulli units, batch 50: f-HNCA ± baseline against REINFORCE ± baseline, REINFORCE leave-one-out and DisARM, with the ELBO and each encoder layer’s gradient variance (learning rate 1e-3 so the curves separate within minutes), beside the paper’s orderings.',
    query: '?task=vae&layers=2&est=fhnca,fhnca-baseline,reinforce,reinforce-baseline,reinforce-loo,disarm&paper=1',
  },
  {
    name: 'VAE depth: three stochastic layers',
    description: 'At two and three layers the paper finds f-HNCA with baseline best of all and REINFORCE the worst; here f-HNCA + baseline and REINFORCE + baseline three layers deep.',
    query: '?task=vae&layers=3&est=fhnca-baseline,reinforce-baseline&paper=1',
  },
];
