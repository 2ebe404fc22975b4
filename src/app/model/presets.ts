// Classroom presets: plain URL configurations (open one and it is an ordinary shareable link).
export interface Preset {
  name: string;
  description: string;
  /** the query string, as it would appear in the address bar */
  query: string;
}

export const PRESETS: readonly Preset[] = [
  {
    name: 'Classroom: tiny patterns, HNCA vs REINFORCE',
    description: 'One hidden layer of 16 units on 4×4 patterns; learns in seconds. Only play/step/reset are shown.',
    query: '?task=patterns&est=hnca,reinforce&hide=task,hidden,width,batch,lr,optimizer,values,seeds,epochs,test,engine',
  },
  {
    name: 'Classroom: MNIST, one hidden layer, same seed',
    description: 'HNCA vs REINFORCE on MNIST from the same initial weights and minibatches (faster learning rate 1e-3).',
    query: '?task=mnist&lr=0.001&est=hnca,reinforce&hide=task,hidden,optimizer,values,engine',
  },
  {
    name: "Paper: Figure 1, one hidden layer",
    description: 'The paper’s setting: 200 units, batch 50, Adam 1e-4, all four estimators, 5 seeds, 100 epochs.',
    query: '?task=mnist&est=hnca,hnca-baseline,reinforce,reinforce-baseline&seeds=5',
  },
  {
    name: 'Depth: three hidden layers',
    description: 'Credit assignment gets harder with depth; the baseline helps HNCA here.',
    query: '?task=mnist&hidden=3&lr=0.001&est=hnca,hnca-baseline,reinforce,reinforce-baseline',
  },
];
