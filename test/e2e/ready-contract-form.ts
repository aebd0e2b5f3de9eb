import { contractOnlyReady } from '../support/complete-form.js';

/**
 * A contract-only form Minnesota's demo analyst can submit as is, for the end-to-end tests that
 * create a package through the API rather than the form.
 */
export const readyContractOnlyForm = (pmap: string) =>
  contractOnlyReady([pmap], {
    submissionDescription: 'Calendar year 2027 PMAP base contract',
    stateContacts: [{ name: 'Mina Nelson', title: 'Lead', email: 'mina.nelson@mn.example.gov' }],
  });
