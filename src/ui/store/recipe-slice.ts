import type { StateCreator } from 'zustand';
import {
  recipeFromConfig,
  recipeReduce,
  type RecipeAction,
  type RecipeState,
} from '../../core/recipe';
import type { LabState } from './types';

export interface RecipeSlice {
  /** The guided recipe's statuses; null until first used (then derived from `recipeStep`). */
  recipe: RecipeState | null;
  /** One recipe transition: its state and its configuration patch (one URL update). */
  recipeDispatch: (action: RecipeAction) => void;
}

export const createRecipeSlice: StateCreator<LabState, [], [], RecipeSlice> = (set, get) => ({
  recipe: null,
  recipeDispatch: (action) => {
    const s = get();
    const { state, patch } = recipeReduce(s.recipe ?? recipeFromConfig(s.config), action);
    set({ recipe: state });
    s.patchConfig(patch);
  },
});
