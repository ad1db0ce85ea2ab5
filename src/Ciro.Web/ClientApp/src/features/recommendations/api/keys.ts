/** Every query of the recommendations view: accepting or dismissing one invalidates them together. */
export const recommendationsViewKey = ['recommendations', 'view'] as const;
