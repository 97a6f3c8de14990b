"""The login and lock screen: the office's name, who is locked out and in what role, errors in plain words."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.beijing_time import shown_time
from app.office import SessionService
from app.store.errors import (
    AccountDisabled,
    AccountLocked,
    DatabaseDamaged,
    InvalidInput,
    NotADatabase,
    OfficeNotFound,
    RollbackDetected,
    UnknownAccount,
    WrongPassword,
)
from app.store.session import Account
from ui.background import BackgroundWork
from ui.language_change import RetranslatedOnLanguageChange
from ui.refusal_text import describe
from ui.role_names import role_name


class LoginScreen(RetranslatedOnLanguageChange, QWidget):
    """Asks for an account and password; in locked mode, only the locked account's password."""

    unlocked = Signal(object)  # app.store.session.Account
    logout_requested = Signal()

    def __init__(self, office_name: str, session: SessionService, work: BackgroundWork, parent: QWidget | None = None):
        """Build the form for the office called `office_name`."""
        super().__init__(parent)
        self._session = session
        self._work = work
        self._locked: Account | None = None
        self.setObjectName("loginScreen")
        card = QFrame(self)
        card.setObjectName("loginCard")
        card.setStyleSheet("QFrame#loginCard { background: white; border: 1px solid #c4c7cc; border-radius: 8px; }")
        card.setFixedWidth(460)
        self.office_label = QLabel(office_name)
        self.office_label.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.office_label.setWordWrap(True)
        self.heading = QLabel()
        self.heading.setProperty("role", "hint")
        self.heading.setWordWrap(True)
        self.user_label = QLabel()
        self.user_edit = QLineEdit()
        self.user_edit.setObjectName("user")
        self.password_label = QLabel()
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel()
        self.error_label.setProperty("role", "error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.submit_button = QPushButton()
        self.submit_button.setProperty("primary", True)
        self.submit_button.setDefault(True)
        self.logout_button = QPushButton()
        self.logout_button.hide()
        form = QFormLayout()
        form.addRow(self.user_label, self.user_edit)
        form.addRow(self.password_label, self.password_edit)
        for field in (self.user_edit, self.password_edit):
            field.setMinimumHeight(34)  # the lock screen's wrapped heading must never squash the fields
        inner = QVBoxLayout(card)
        inner.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(12)
        inner.addWidget(self.office_label)
        inner.addWidget(self.heading)
        inner.addLayout(form)
        inner.addWidget(self.error_label)
        inner.addWidget(self.submit_button)
        inner.addWidget(self.logout_button)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.submit_button.clicked.connect(self.submit)
        self.password_edit.returnPressed.connect(self.submit)
        self.user_edit.returnPressed.connect(self.password_edit.setFocus)
        self.logout_button.clicked.connect(lambda: self.logout_requested.emit())
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.user_label.setText(self.tr("&Account"))
        self.user_label.setBuddy(self.user_edit)
        self.password_label.setText(self.tr("&Password"))
        self.password_label.setBuddy(self.password_edit)
        if self._locked is None:
            self.heading.setText(self.tr("Log in to start serving citizens."))
            self.submit_button.setText(self.tr("Log in"))
        else:
            self.heading.setText(
                self.tr("Locked. %1 (%2) is logged in; unsaved work is kept.")
                .replace("%1", self._locked.name)
                .replace("%2", role_name(self._locked.role))
            )
            self.submit_button.setText(self.tr("Unlock"))
        self.logout_button.setText(self.tr("Log out instead (unsaved work is discarded)"))

    def show_login(self, user: str = "") -> None:
        """Show the empty login form (after a logout, or at start)."""
        self._locked = None
        self.user_edit.setEnabled(True)
        self.user_edit.setText(user)
        self.password_edit.clear()
        self.logout_button.hide()
        self.error_label.hide()
        self.retranslate()
        (self.password_edit if user else self.user_edit).setFocus()

    def show_locked(self, account: Account) -> None:
        """Show the lock form for `account`, whose work waits behind it."""
        self._locked = account
        self.user_edit.setText(account.name)
        self.user_edit.setEnabled(False)
        self.password_edit.clear()
        self.logout_button.show()
        self.error_label.hide()
        self.retranslate()
        self.password_edit.setFocus()

    def submit(self) -> None:
        """Try to unlock with what was typed, on the database thread."""
        user, password = self.user_edit.text().strip(), self.password_edit.text()
        if not user or not password:
            self.show_error(self.tr("Type your account name and password."))
            return
        self.password_edit.clear()
        self.submit_button.setEnabled(False)
        self.error_label.hide()
        self._work.db(lambda: self._session.unlock(user, password), self._done, self._failed, owner=self)

    def _done(self, account: Account) -> None:
        self.submit_button.setEnabled(True)
        self.unlocked.emit(account)

    def _failed(self, error: Exception) -> None:
        self.submit_button.setEnabled(True)
        self.show_error(self.explain(error))
        self.password_edit.setFocus()

    def show_error(self, text: str) -> None:
        """Show an error in plain words under the form."""
        self.error_label.setText(text)
        self.error_label.show()

    def explain(self, error: Exception) -> str:
        """Turn a login failure into words a clerk can act on."""
        if isinstance(error, WrongPassword):
            return self.tr("Wrong password. Check the keyboard layout and Caps Lock, then try again.")
        if isinstance(error, AccountLocked):
            until = (
                shown_time(error.until_ms, self.language_code(), date=False)
                if error.until_ms
                else self.tr("a supervisor resets the password")
            )
            return self.tr("Too many wrong passwords: this account is locked until %1.").replace("%1", until)
        if isinstance(error, UnknownAccount | InvalidInput):
            return self.tr("No account of that name may log in on this machine. Check the spelling.")
        if isinstance(error, AccountDisabled):
            return self.tr("This account has been disabled. Ask your supervisor.")
        if isinstance(error, DatabaseDamaged | NotADatabase | RollbackDetected):
            return self.tr("The office data on this machine is damaged or was replaced. Call IT support: %1").replace(
                "%1", describe(error, self.language_code())
            )
        if isinstance(error, OfficeNotFound):
            return self.tr("No office is set up in this folder.")
        return self.tr("Cannot log in: %1").replace("%1", describe(error, self.language_code()))

    def language_code(self) -> str:
        """The UI's language now ('zh_CN' or 'en'), from the installed catalogue's locale."""
        return "zh_CN" if QLocale().language() == QLocale.Language.Chinese else "en"
