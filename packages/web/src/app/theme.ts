// The Mantine theme: default components, visible focus for keyboard users, and colours that meet WCAG AA contrast:
// filled variants pick black or white text by luminance (autoContrast), light/outline/subtle variants use a darkened
// shade 9 for text, since Mantine's default shade 6 on a light tint is about 2–3:1.
import {
  Modal,
  NavLink,
  createTheme,
  darken,
  defaultVariantColorsResolver,
  parseThemeColor,
  type CSSVariablesResolver,
  type VariantColorsResolver,
} from '@mantine/core';

const variantColorResolver: VariantColorsResolver = (input) => {
  const colours = defaultVariantColorsResolver(input);
  const parsed = parseThemeColor({ color: input.color || input.theme.primaryColor, theme: input.theme });
  const palette = parsed.isThemeColor ? input.theme.colors[parsed.color] : undefined;
  if (palette && ['light', 'outline', 'subtle', 'transparent'].includes(input.variant)) {
    const strong = darken(palette[9], 0.25);
    return {
      ...colours,
      color: strong,
      hoverColor: strong,
      ...(input.variant === 'outline' ? { border: `1px solid ${strong}` } : {}),
    };
  }
  return colours;
};

export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  autoContrast: true,
  // White text needs a background luminance below ~0.18 for 4.5:1, black text above it: this threshold passes both.
  luminanceThreshold: 0.18,
  focusRing: 'auto',
  defaultRadius: 'sm',
  variantColorResolver,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  components: {
    Table: { defaultProps: { verticalSpacing: 'xs' } },
    NavLink: NavLink.extend({ defaultProps: { variant: 'filled' } }),
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } }),
  },
});

/** Mantine's dimmed grey and error red (shade 6) are about 3.3:1 on white; AA needs 4.5:1 for text. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
  },
  dark: {},
});
