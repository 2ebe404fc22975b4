// The first screen's words and the links that shape it (issue 24): the task names people type,
// the display switches, the presets' hide lists, a subtitle and an introduction for every task.
import { describe, expect, it } from 'vitest';
import { CONTROL_NAMES, TASKS, defaultConfig } from '../../playground/config.ts';
import { taskIntro, taskSubtitle } from './intro.ts';
import { CLASSROOM_SHOWN, PRESETS } from './presets.ts';
import { parseUrlConfig, serializeUrlConfig } from './urlConfig.ts';

describe('first-screen links', () => {
  it('accepts task=bandit (and the other names people type) as the task they name, without a notice', () => {
    expect(parseUrlConfig('?task=bandit')).toMatchObject({ config: { task: 'mnist' }, notices: [] });
    expect(parseUrlConfig('?task=conv-bandit').config.task).toBe('conv');
    expect(parseUrlConfig('?task=discrete-vae').config.task).toBe('vae');
    expect(parseUrlConfig('?task=bandits').notices[0]).toMatch(/^Ignored task="bandits": expected one of mnist, patterns, vae, conv/);
  });

  it('reads and writes paper= and large=, off by default, with a notice for anything but 1/0/true/false', () => {
    expect(defaultConfig('mnist')).toMatchObject({ comparePaper: false, largeType: false });
    const { config, notices } = parseUrlConfig('?paper=1&large=true');
    expect(notices).toEqual([]);
    expect(config).toMatchObject({ comparePaper: true, largeType: true });
    expect(serializeUrlConfig(config)).toBe('?task=mnist&paper=1&large=1');
    expect(parseUrlConfig(serializeUrlConfig(config)).config).toEqual(config);
    expect(parseUrlConfig('?paper=yes').notices).toEqual(['Ignored paper="yes": expected 1 or 0; using 0.']);
    expect(serializeUrlConfig(defaultConfig('vae'))).toBe('?task=vae');
  });

  it('every group can be hidden by name, and hide= round-trips', () => {
    const all = CONTROL_NAMES.join(',');
    const { config, notices } = parseUrlConfig(`?hide=${all}`);
    expect(notices).toEqual([]);
    expect(config.hide).toEqual([...CONTROL_NAMES]);
    for (const group of ['model', 'presets', 'engine-line', 'paper', 'notes', 'large', 'intro', 'inside', 'evaluation', 'export', 'speed', 'estimators']) expect(CONTROL_NAMES).toContain(group);
  });

  it('the tiny-patterns classroom preset hides every group but the ones its description names, at a watchable speed', () => {
    const classroom = PRESETS[0];
    const { config, notices } = parseUrlConfig(classroom.query);
    expect(notices).toEqual([]);
    expect(config.task).toBe('patterns');
    expect(config.speed).toBe(2); // 50 updates a second
    expect(classroom.description).toContain('50 updates a second');
    expect(CONTROL_NAMES.filter((c) => !config.hide.includes(c))).toEqual([...CLASSROOM_SHOWN]);
    expect(classroom.description).toMatch(/the task in two sentences.*Play \/ step \/ Reset.*the charts.*the inside of the network/);
    // the research presets compare with the paper; the classroom ones do not
    expect(PRESETS.map((p) => parseUrlConfig(p.query).config.comparePaper)).toEqual([false, false, true, true, true, true]);
  });

  it('has a subtitle and a two-sentence introduction for every task; only the bandit on Bernoulli units says "on/off units"', () => {
    for (const task of TASKS) {
      const config = defaultConfig(task);
      const intro = taskIntro(config);
      expect(intro.what.length).toBeGreaterThan(80);
      expect(intro.watch).toMatch(/^Watch /);
      expect(taskSubtitle(config)).toContain('REINFORCE');
      expect(taskSubtitle(config)).not.toContain('stochastic binary units');
    }
    expect(taskSubtitle(defaultConfig('vae'))).toContain('discrete VAE');
    expect(taskSubtitle({ ...defaultConfig('mnist'), units: 'categorical' })).toContain('categorical units');
    expect(taskIntro({ ...defaultConfig('mnist'), units: 'categorical', categories: 5 }).what).toContain('one of 5 values');
    expect(taskIntro(defaultConfig('mnist')).what).toContain('gets reward 1 when the guess is right');
  });
});
