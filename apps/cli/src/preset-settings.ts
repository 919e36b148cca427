import {
  QUALITY_PRESETS,
  type FixedRepresentativeOptions,
} from '@fixclust/model';

/** Settings of a quality preset that the CLI reads before the model exists. */
export type PresetSettings = Partial<
  Pick<FixedRepresentativeOptions, 'nRuns' | 'scaling' | 'pca'>
>;

/**
 * Returns what the quality preset `preset` sets among the runs, scaling
 * and PCA; nothing for a published preset, which sets only the loss and
 * lambda, or for none.
 */
export function presetSettings(preset: string | undefined): PresetSettings {
  if (preset === undefined || !(preset in QUALITY_PRESETS)) return {};
  return QUALITY_PRESETS[preset as keyof typeof QUALITY_PRESETS];
}
