// A button that asks first (cancel, skip, mark done): a Mantine modal naming what will happen, confirm focused last.
import { useState, type ReactNode } from 'react';
import { Button, Group, Modal, Stack, Text, type ButtonProps } from '@mantine/core';

export function ConfirmButton({
  children,
  title,
  message,
  confirmLabel,
  onConfirm,
  loading,
  color = 'red',
  buttonProps,
}: {
  children: ReactNode;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  loading?: boolean;
  color?: string;
  buttonProps?: ButtonProps & { 'aria-label'?: string; leftSection?: ReactNode };
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        color={color}
        variant="light"
        {...buttonProps}
        onClick={() => setOpen(true)}
        loading={loading ?? false}
      >
        {children}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={title}>
        <Stack>
          {typeof message === 'string' ? <Text size="sm">{message}</Text> : message}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Keep going
            </Button>
            <Button
              color={color}
              onClick={() => {
                setOpen(false);
                onConfirm();
              }}
            >
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
