// Toasts: App Bridge's inside the Shopify admin, Polaris's in the local demo (no App Bridge there).
import { Toast } from "@shopify/polaris";
import { createContext, useCallback, useContext, useState, type ReactNode } from "react";

type ShowToast = (message: string, options?: { isError?: boolean }) => void;

const ToastContext = createContext<ShowToast>(() => {});

declare global {
  interface Window {
    shopify?: { toast?: { show(message: string, options?: { isError?: boolean }): void }; loading?(busy: boolean): void };
  }
}

/** Provides `useToast()`; `embedded` uses App Bridge, otherwise a Polaris Toast (inside a Frame). */
export function ToastProvider({ embedded, children }: { embedded: boolean; children: ReactNode }) {
  const [toast, setToast] = useState<{ message: string; isError: boolean; key: number } | null>(null);
  const show = useCallback<ShowToast>(
    (message, options) => {
      if (embedded && window.shopify?.toast) window.shopify.toast.show(message, options);
      else setToast({ message, isError: Boolean(options?.isError), key: Date.now() });
    },
    [embedded],
  );
  return (
    <ToastContext.Provider value={show}>
      {children}
      {toast && <Toast key={toast.key} content={toast.message} error={toast.isError} onDismiss={() => setToast(null)} />}
    </ToastContext.Provider>
  );
}

export const useToast = () => useContext(ToastContext);
